#!/usr/bin/env bash
# Benchmark: the clean debug build of the client crate (every dependency included), back to back
# with the clean debug build of a small consumer of clerk-rs 0.5.0, on this machine.
#
#   bash benches/build-time.sh [ROUNDS] [-- CARGO_ARGS...]
#
# Then, in the client's last build: a second `cargo build` must not run the code generator again,
# and after the spec file is touched (an edit, to cargo) the generator's run is timed (`--timings`).
#
# CARGO_ARGS go to the client's build only, e.g. `-- --no-default-features --features rustls-ring`
# to time another TLS provider. Each round builds both from nothing (fresh target directories;
# the crates.io downloads are shared and fetched before timing), alternating which goes first,
# and prints the seconds and the ratio. Uses every core, like a plain `cargo build`. Needs bash 4.4
# or later, GNU `date` and `bc`.
set -euo pipefail
# A failed build inside `$(...)` must stop the script, not be reported as a time.
shopt -s inherit_errexit

rounds=1
if [[ ${1:-} =~ ^[0-9]+$ ]]; then
    rounds=$1
    shift
fi
if [[ ${1:-} == "--" ]]; then
    shift
fi
client_args=("$@")

root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The clerk-rs consumer: what a user of clerk-rs compiles for the same job.
consumer="$work/clerk-rs-consumer"
mkdir -p "$consumer/src"
cat > "$consumer/Cargo.toml" <<'TOML'
[package]
name = "clerk-rs-consumer"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
clerk-rs = "=0.5.0"
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }

[workspace]
TOML
cat > "$consumer/src/main.rs" <<'RUST'
use clerk_rs::{apis::users_api, Clerk};

#[tokio::main]
async fn main() {
    let clerk = Clerk::from_secret_key("sk_test_x");
    let users = users_api::get_user_list(
        &clerk.config, None, None, None, None, None, None, None, None, None, None, None, None,
        None, None, None, None, None, None, None, None, None, None, Some(10), None, None, None,
    )
    .await;
    println!("{}", users.map(|users| users.len()).unwrap_or_default());
}
RUST

(cd "$consumer" && cargo fetch --quiet)
(cd "$root" && cargo fetch --locked --quiet)

# Seconds of one clean build, wall clock around `cargo build` (the crates are fetched already).
clean_build() {
    local dir=$1 target=$2
    shift 2
    rm -rf "$target"
    local started ended
    started=$(date +%s.%N)
    (cd "$dir" && CARGO_TARGET_DIR="$target" cargo build --quiet "$@")
    ended=$(date +%s.%N)
    echo "$ended - $started" | bc
}

printf '%-6s %12s %12s %8s\n' round clerk-users clerk-rs ratio
for ((round = 1; round <= rounds; round++)); do
    if ((round % 2)); then
        ours=$(clean_build "$root" "$work/target-ours" -p clerk-users --locked "${client_args[@]}")
        theirs=$(clean_build "$consumer" "$work/target-theirs")
    else
        theirs=$(clean_build "$consumer" "$work/target-theirs")
        ours=$(clean_build "$root" "$work/target-ours" -p clerk-users --locked "${client_args[@]}")
    fi
    printf '%-6s %10.1f s %10.1f s %7.2fx\n' "$round" "$ours" "$theirs" "$(echo "$ours / $theirs" | bc -l)"
done

# A no-op rebuild: cargo must find the build script's output fresh (its rerun-if-changed names
# only build.rs and the spec).
rebuild=$(cd "$root" && CARGO_TARGET_DIR="$work/target-ours" cargo build -v -p clerk-users --locked "${client_args[@]}" 2>&1)
if grep -E 'build/clerk-users-[0-9a-f]+/build-script-build' <<<"$rebuild"; then
    echo "no-op rebuild: the code generator ran again" >&2
    exit 1
fi
echo "no-op rebuild: the code generator did not run"

# A spec edit: the build script reruns; its own time, from cargo's timings report.
touch "$root/openapi/clerk-users.yaml"
(cd "$root" && CARGO_TARGET_DIR="$work/target-ours" cargo build --quiet --timings -p clerk-users --locked "${client_args[@]}")
report=$(ls -t "$work"/target-ours/cargo-timings/cargo-timing-*.html | head -1)
seconds=$(tr -d ' \n' < "$report" |
    grep -o '{[^{}]*"name":"clerk-users"[^{}]*"run-custom-build"[^{}]*}' |
    grep -o '"duration":[0-9.]*' | cut -d: -f2 || true)
echo "spec edit: the code generator ran in ${seconds:-?} s of build-script time"
