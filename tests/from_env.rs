//! `Client::from_env`. One test only: it changes process environment variables, which other
//! threads of the same test binary must not see half-changed.

use clerk_users::{Client, ClientBuilder, ClientInfo, ConfigError};

fn set(name: &str, value: Option<&str>) {
    // SAFETY: this binary runs a single test, so no other thread reads the environment meanwhile.
    unsafe {
        match value {
            Some(value) => std::env::set_var(name, value),
            None => std::env::remove_var(name),
        }
    }
}

#[test]
fn from_env_reads_key_and_optional_base_url() {
    set("CLERK_SECRET_KEY", None);
    set("CLERK_API_URL", None);
    let error = Client::from_env().unwrap_err();
    assert!(matches!(error, ConfigError::MissingSecretKey));
    assert!(error.to_string().starts_with("CLERK_SECRET_KEY is not set"), "{error}");

    set("CLERK_SECRET_KEY", Some(""));
    assert!(matches!(Client::from_env().unwrap_err(), ConfigError::EmptySecretKey));

    set("CLERK_SECRET_KEY", Some("sk_test_fromenv"));
    let client = Client::from_env().unwrap();
    assert_eq!(client.baseurl(), "https://api.clerk.com/v1");

    // An empty CLERK_API_URL counts as unset; a set one is used, trailing slash and all.
    set("CLERK_API_URL", Some(""));
    assert_eq!(Client::from_env().unwrap().baseurl(), "https://api.clerk.com/v1");
    set("CLERK_API_URL", Some("http://127.0.0.1:4010/v1/"));
    assert_eq!(Client::from_env().unwrap().baseurl(), "http://127.0.0.1:4010/v1");

    set("CLERK_API_URL", Some("http://clerk.internal.example/v1"));
    assert!(matches!(Client::from_env().unwrap_err(), ConfigError::InsecureBaseUrl { .. }));

    // The builder form allows more settings before building.
    set("CLERK_API_URL", None);
    let builder = ClientBuilder::from_env().unwrap();
    assert!(!format!("{builder:?}").contains("fromenv"));
    assert!(builder.timeout(std::time::Duration::from_secs(3)).build().is_ok());
}
