//! Billing of a user: `GET /users/{id}/billing/subscription` (every user is on the free plan),
//! `GET /users/{id}/billing/credits` (the credit balance) and `POST /users/{id}/billing/credits`
//! (an adjustment, written to a ledger, once per idempotency key). Amounts are US cents.

use http::StatusCode;
use serde::Serialize;
use serde_json::{Value, json};

use super::body::{Body, Field};
use super::error::Failure;
use super::store::Store;
use super::time::format_rfc3339;
use super::user::User;

/// The instance id billing objects carry.
const INSTANCE_ID: &str = "ins_fake";
/// The id of the free plan every user is on.
const FREE_PLAN_ID: &str = "cplan_free_user";
/// The fields `POST /users/{id}/billing/credits` accepts (`AdjustCreditBalanceRequest`).
const ADJUST_FIELDS: &[&str] = &["amount", "action", "currency", "idempotency_key", "note"];

/// A user's credits: the balance (`None` until the first adjustment) and the ledger.
#[derive(Debug, Clone, Default)]
pub(crate) struct Billing {
    balance: Option<i64>,
    ledger: Vec<LedgerEntry>,
}

/// One adjustment of a balance.
#[derive(Debug, Clone)]
struct LedgerEntry {
    id: Box<str>,
    idempotency_key: Box<str>,
    /// Positive for an increase, negative for a decrease.
    amount: i64,
    note: Option<Box<str>>,
    created_at: i64,
}

/// A `CommerceMoneyResponse` in US dollars.
#[derive(Serialize)]
struct MoneyJson {
    amount: i64,
    amount_formatted: String,
    currency: &'static str,
    currency_symbol: &'static str,
}

/// `cents` as money: `amount_formatted` is the decimal amount without the symbol (`"49.99"`,
/// `"-5.00"`), which Clerk's own components print after `currency_symbol`.
fn money(cents: i64) -> MoneyJson {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    MoneyJson {
        amount: cents,
        amount_formatted: format!("{sign}{}.{:02}", abs / 100, abs % 100),
        currency: "USD",
        currency_symbol: "$",
    }
}

/// The id of a billing object of `user`, from its id: `csub_2abc` for `user_2abc`.
fn billing_id(prefix: &str, user: &User) -> String {
    let id = &*user.id;
    format!("{prefix}{}", id.strip_prefix("user_").unwrap_or(id))
}

/// `GET /users/{id}/billing/subscription`: an active subscription to the free plan
/// (`cplan_free_user`, $0 a month), since the user was created, with nothing due.
pub(crate) fn subscription(store: &Store, user_id: &str) -> Result<Value, Failure> {
    let user = store.get(store.find(user_id)?).ok_or_else(|| Failure::user_not_found(user_id))?;
    let payer_id = billing_id("cpayer_", user);
    let since = user.created_at;
    let free = || json!(money(0));
    let plan = json!({
        "object": "commerce_plan",
        "id": FREE_PLAN_ID,
        "name": "Free",
        "fee": free(),
        "annual_monthly_fee": free(),
        "annual_fee": free(),
        "description": null,
        "product_id": "cprod_free_user",
        "is_default": true,
        "is_recurring": true,
        "publicly_visible": true,
        "has_base_fee": false,
        "for_payer_type": "user",
        "slug": "free_user",
        "avatar_url": null,
        "features": [],
        "free_trial_enabled": false,
        "free_trial_days": null,
        "unit_prices": [],
    });
    let item = json!({
        "object": "commerce_subscription_item",
        "id": billing_id("csubi_", user),
        "instance_id": INSTANCE_ID,
        "status": "active",
        "credits": null,
        "plan_id": FREE_PLAN_ID,
        "plan": plan,
        "plan_period": "month",
        "next_payment": null,
        "payer_id": payer_id,
        "is_free_trial": false,
        "period_start": since,
        "period_end": null,
        "canceled_at": null,
        "past_due_at": null,
        "ended_at": null,
        "created_at": since,
        "updated_at": since,
        "seats": null,
        "totals": null,
    });
    Ok(json!({
        "object": "commerce_subscription",
        "id": billing_id("csub_", user),
        "instance_id": INSTANCE_ID,
        "status": "active",
        "payer_id": payer_id,
        "created_at": since,
        "updated_at": since,
        "active_at": since,
        "past_due_at": null,
        "subscription_items": [item],
        "eligible_for_free_trial": false,
    }))
}

/// `GET /users/{id}/billing/credits`: `balance` is `null` until the first adjustment.
pub(crate) fn credit_balance(store: &Store, user_id: &str) -> Result<Value, Failure> {
    let user = store.get(store.find(user_id)?).ok_or_else(|| Failure::user_not_found(user_id))?;
    let balance = user.extra().and_then(|extra| extra.billing.balance);
    Ok(json!({"object": "commerce_credit_balance", "balance": balance.map(money)}))
}

/// What an adjustment asks for, checked.
struct Adjustment {
    /// Signed: negative for a decrease.
    amount: i64,
    idempotency_key: String,
    note: Option<String>,
}

/// Checks an `AdjustCreditBalanceRequest` like Clerk: 422 for an unknown, missing or mistyped
/// field, `invalid_credit_amount` for an amount of 0 or less, `invalid_credit_action` for an
/// action other than `increase`/`decrease`, `form_param_value_invalid` for an empty
/// idempotency key; 400 `currency_invalid` for a currency other than USD.
fn adjustment(body: &Body) -> Result<Adjustment, Failure> {
    body.allow_only(ADJUST_FIELDS)?;
    let amount = match body.int("amount")? {
        Field::Set(amount) => amount,
        Field::Absent | Field::Null => return Err(Failure::missing_param("amount")),
    };
    let action = body.opt_string("action")?.ok_or_else(|| Failure::missing_param("action"))?;
    let key = body.opt_string("idempotency_key")?;
    let key = key.ok_or_else(|| Failure::missing_param("idempotency_key"))?;
    let currency = body.opt_string("currency")?;
    let note = body.opt_string("note")?;
    if amount <= 0 {
        return Err(Failure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_credit_amount",
            "Invalid credit amount",
            "Credit amount must be greater than zero",
        )
        .param("amount"));
    }
    let amount = match action.as_str() {
        "increase" => amount,
        "decrease" => -amount,
        _ => {
            return Err(Failure::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_credit_action",
                "Invalid credit action",
                "Credit action must be either 'increase' or 'decrease'",
            )
            .param("action"));
        }
    };
    if key.is_empty() {
        return Err(Failure::value_invalid(
            "idempotency_key",
            "idempotency_key is invalid. Must be not empty",
        ));
    }
    if currency.is_some_and(|currency| !currency.eq_ignore_ascii_case("USD")) {
        return Err(Failure::new(
            StatusCode::BAD_REQUEST,
            "currency_invalid",
            "Invalid currency",
            "Currency is not supported",
        )
        .param("currency"));
    }
    Ok(Adjustment { amount, idempotency_key: key, note })
}

/// A `CommerceCreditLedgerResponse` for `entry` of `user`.
fn ledger_entry(user: &User, entry: &LedgerEntry) -> Value {
    json!({
        "object": "commerce_credit_ledger",
        "id": entry.id,
        "payer_id": billing_id("cpayer_", user),
        "amount": money(entry.amount),
        "source_type": if entry.amount < 0 { "debit" } else { "grant" },
        "source_id": entry.idempotency_key,
        "note": entry.note,
        "created_at": format_rfc3339(entry.created_at),
    })
}

/// `POST /users/{id}/billing/credits`: adjusts the balance and answers the new ledger entry; an
/// idempotency key the user's ledger already has answers that entry again, changing nothing (even
/// if the rest of the body differs). 422 `insufficient_credit_balance` for a decrease below zero.
pub(crate) fn adjust(store: &mut Store, user_id: &str, body: &Body) -> Result<Value, Failure> {
    let adjustment = adjustment(body)?;
    let slot = store.find(user_id)?;
    let user = store.get(slot).ok_or_else(|| Failure::user_not_found(user_id))?;
    let billing = user.extra().map(|extra| &extra.billing);
    let ledger = billing.map_or(&[][..], |billing| &billing.ledger);
    if let Some(entry) = ledger.iter().find(|e| *e.idempotency_key == *adjustment.idempotency_key) {
        return Ok(ledger_entry(user, entry));
    }
    let balance = billing.and_then(|billing| billing.balance).unwrap_or(0);
    let new_balance = match balance.checked_add(adjustment.amount) {
        Some(new_balance) if new_balance >= 0 => new_balance,
        Some(_) => {
            return Err(Failure::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "insufficient_credit_balance",
                "Insufficient credit balance",
                "The decrease amount exceeds the current credit balance",
            )
            .param("amount"));
        }
        None => {
            return Err(Failure::value_invalid(
                "amount",
                "amount would take the credit balance past the largest amount.",
            ));
        }
    };
    let id = store.random_id("cledger_");
    let now = store.tick();
    let user = store.get_mut(slot).ok_or_else(|| Failure::user_not_found(user_id))?;
    let billing = &mut user.extra_mut().billing;
    billing.balance = Some(new_balance);
    billing.ledger.push(LedgerEntry {
        id,
        idempotency_key: adjustment.idempotency_key.into_boxed_str(),
        amount: adjustment.amount,
        note: adjustment.note.map(String::into_boxed_str),
        created_at: now,
    });
    let user = store.get(slot).ok_or_else(|| Failure::user_not_found(user_id))?;
    let entry = user.extra().and_then(|extra| extra.billing.ledger.last());
    entry.map(|entry| ledger_entry(user, entry)).ok_or_else(|| Failure::user_not_found(user_id))
}
