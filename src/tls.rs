//! TLS: which cryptography rustls uses for the client's HTTPS connections.
//!
//! Both choices are rustls, checking certificates with the operating system's verifier
//! (`rustls-platform-verifier`, as reqwest does); they differ in the library under rustls:
//!
//! - **`rustls-aws-lc`** (the default): [aws-lc-rs](https://github.com/aws/aws-lc-rs), the
//!   default of reqwest and of rustls itself. It supports the post-quantum hybrid key exchange
//!   `X25519MLKEM768` (offered first when rustls's `prefer-post-quantum` feature is on, as it is
//!   in rustls's default features) and has a FIPS build. With it, this module leaves TLS to
//!   reqwest.
//! - **`rustls-ring`**: [ring](https://github.com/briansmith/ring), which builds much faster: a
//!   few C and assembly files, where aws-lc-sys's C library is the longest step of a clean build
//!   (the README's build-time table has the numbers). It is not the default for one reason: when
//!   anything else in an application turns on rustls's `aws_lc_rs` feature (rustls's default
//!   features do, and so does reqwest's default), rustls has two providers and will not pick one
//!   by itself, so a `rustls::ClientConfig::builder()` elsewhere in the application panics until
//!   the application installs a process default. This client names its provider and is not
//!   affected; the application's other TLS code might be. Choose `rustls-ring` where rustls is
//!   used with ring only, or where the application installs a provider at startup.
//!
//! With both features on, aws-lc-rs is used. Either way, a provider the application installed
//! as rustls's process default (`CryptoProvider::install_default`) wins over the feature's.

use reqwest::ClientBuilder;

use crate::ConfigError;

#[cfg(not(any(feature = "rustls-ring", feature = "rustls-aws-lc")))]
compile_error!(
    "clerk-users needs a TLS provider: enable the feature `rustls-aws-lc` (the default) or `rustls-ring`"
);

/// Sets the HTTP client up for TLS with the chosen provider.
#[cfg(any(feature = "rustls-aws-lc", not(feature = "rustls-ring")))]
pub(crate) fn configure(http: ClientBuilder) -> Result<ClientBuilder, ConfigError> {
    // reqwest's `rustls` feature: the process default if one is installed, else aws-lc-rs.
    // (Without either feature, the `compile_error!` above has already said what to do.)
    Ok(http)
}

/// Sets the HTTP client up for TLS with the chosen provider.
#[cfg(all(feature = "rustls-ring", not(feature = "rustls-aws-lc")))]
pub(crate) fn configure(http: ClientBuilder) -> Result<ClientBuilder, ConfigError> {
    Ok(http.tls_backend_preconfigured(ring::client_config()?))
}

#[cfg(all(feature = "rustls-ring", not(feature = "rustls-aws-lc")))]
mod ring {
    use std::sync::Arc;

    use rustls::ClientConfig;
    use rustls::crypto::CryptoProvider;

    use crate::ConfigError;

    /// The TLS settings reqwest would make with its own provider, with ring's instead: TLS 1.2
    /// and 1.3, the platform's certificate verifier, and HTTP/2 offered before HTTP/1.1.
    pub(super) fn client_config() -> Result<ClientConfig, ConfigError> {
        let provider = CryptoProvider::get_default()
            .cloned()
            .unwrap_or_else(|| Arc::new(rustls::crypto::ring::default_provider()));
        let verifier =
            rustls_platform_verifier::Verifier::new(provider.clone()).map_err(tls_error)?;
        let mut config = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(tls_error)?
            .dangerous() // Only in name: this is the platform's own verifier, as reqwest sets it.
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_no_client_auth();
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(config)
    }

    fn tls_error(error: rustls::Error) -> ConfigError {
        ConfigError::Tls(error.into())
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn the_config_offers_http2_then_http1_with_ring_unless_a_default_is_installed() {
            let config = super::client_config().unwrap();
            assert_eq!(config.alpn_protocols, [b"h2".to_vec(), b"http/1.1".to_vec()]);
            // ring has no post-quantum group; aws-lc-rs would add X25519MLKEM768.
            let groups: Vec<String> = config
                .crypto_provider()
                .kx_groups
                .iter()
                .map(|g| format!("{:?}", g.name()))
                .collect();
            assert_eq!(groups, ["X25519", "secp256r1", "secp384r1"]);
        }
    }
}
