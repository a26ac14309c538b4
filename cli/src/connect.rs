//! Where a command sends its requests: Clerk, with `CLERK_SECRET_KEY`, or a local fake Clerk
//! seeded with demo users, with `--demo`. Neither is an error, never a silent default.

use clerk_users::{Client, ClientBuilder, ClientInfo, RateLimit};
use clerk_users_fake::FakeClerk;

use crate::error::CliError;

/// Options every command takes.
#[derive(clap::Args, Debug, Clone)]
pub struct Global {
    /// Run against a local fake Clerk seeded with demo users instead of Clerk (no account
    /// needed; nothing leaves this machine).
    #[arg(long, global = true)]
    pub demo: bool,
    /// How many demo users the fake starts with (with `--demo`; at most a million, about 1.2 GB).
    #[arg(long, global = true, default_value_t = 25_000, value_name = "N",
          value_parser = clap::value_parser!(u32).range(0..=1_000_000))]
    pub demo_users: u32,
    /// No progress bar and no messages on stderr, only errors.
    #[arg(long, short, global = true)]
    pub quiet: bool,
}

/// A client for Clerk or for the demo fake, and what paces it.
pub struct Connection {
    /// The client every command uses.
    pub client: Client,
    /// The instance's request rate limit (the client paces itself under it).
    pub rate_limit: RateLimit,
    /// The demo fake, kept alive as long as the connection (dropping it stops the server).
    pub demo: Option<FakeClerk>,
    /// What the import's run log records of where it ran; `None` for a demo (a new fake each
    /// run, so nothing a run did is there for the next).
    pub key_fingerprint: Option<KeyFingerprint>,
}

/// A fingerprint of the API URL and the key a run used: 64 bits of a SHA-256 of both. It tells
/// two instances (or a fake and Clerk) apart in a file, and cannot give the key back. A second
/// or rotated key of the same instance has another fingerprint: a run with it looks everything
/// up again, which costs requests but never creates a user twice.
#[derive(Clone, PartialEq, Eq)]
pub struct KeyFingerprint(String);

impl KeyFingerprint {
    /// The fingerprint of `key` at `api_url`.
    pub fn of(api_url: &str, key: &str) -> KeyFingerprint {
        let api_url = api_url.trim_end_matches('/');
        KeyFingerprint(crate::output::fingerprint("clerk-users key", &[api_url, key]))
    }

    /// The fingerprint as written in files.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for KeyFingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KeyFingerprint({})", self.0)
    }
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection").field("demo", &self.demo.is_some()).finish_non_exhaustive()
    }
}

/// The message for a run with neither a key nor `--demo`.
pub const NO_KEY: &str = "CLERK_SECRET_KEY is not set: set it to work on your Clerk instance, or \
                          pass --demo to work on a local fake Clerk seeded with demo users";

impl Connection {
    /// Connects as the options and the environment say: `--demo` starts a fake seeded with
    /// `--demo-users` users and says so on stderr; otherwise `CLERK_SECRET_KEY` (and
    /// `CLERK_API_URL`, when set) must be there.
    pub async fn open(global: &Global) -> Result<Connection, CliError> {
        if global.demo {
            return Connection::demo(global).await;
        }
        let key = std::env::var("CLERK_SECRET_KEY").unwrap_or_default();
        if key.trim().is_empty() {
            return Err(CliError::Usage(NO_KEY.to_owned()));
        }
        // Production keys get the production limit; anything else the development one.
        let rate_limit = if key.starts_with("sk_live_") {
            RateLimit::production_instance()
        } else {
            RateLimit::development_instance()
        };
        let client = ClientBuilder::from_env()
            .and_then(|builder| builder.rate_limit(rate_limit).build())
            .map_err(|error| CliError::Usage(error.to_string()))?;
        // The URL the client was built with, whatever the environment said.
        let key_fingerprint = Some(KeyFingerprint::of(client.baseurl(), &key));
        Ok(Connection { client, rate_limit, demo: None, key_fingerprint })
    }

    async fn demo(global: &Global) -> Result<Connection, CliError> {
        let fake = FakeClerk::builder().try_start().await.map_err(|error| {
            CliError::Failed(format!("--demo: cannot start the local fake Clerk: {error}"))
        })?;
        fake.seed_users(global.demo_users as usize);
        if !global.quiet {
            eprintln!(
                "--demo: working on a local fake Clerk at {} seeded with {} demo users, not on Clerk",
                fake.url(),
                global.demo_users
            );
        }
        // The fake itself limits nothing: the client paces itself as on a production instance,
        // so a demo behaves (and is tuned) like the real thing.
        let rate_limit = RateLimit::production_instance();
        let client = Client::builder(fake.secret_key())
            .base_url(fake.url())
            .rate_limit(rate_limit)
            .build()
            .map_err(|error| CliError::Failed(format!("--demo: {error}")))?;
        Ok(Connection { client, rate_limit, demo: Some(fake), key_fingerprint: None })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fingerprint_tells_url_and_key_apart_without_showing_the_key() {
        let key = "sk_live_0123456789abcdef";
        let clerk = KeyFingerprint::of("https://api.clerk.com/v1", key);
        assert_eq!(clerk, KeyFingerprint::of("https://api.clerk.com/v1/", key));
        assert_eq!(clerk.as_str().len(), 16);
        assert!(clerk.as_str().chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(clerk, KeyFingerprint::of("http://127.0.0.1:4000", key));
        assert_ne!(clerk, KeyFingerprint::of("https://api.clerk.com/v1", "sk_live_other"));
        assert!(!format!("{clerk:?}").contains("sk_live"));
    }
}
