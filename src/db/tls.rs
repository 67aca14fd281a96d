//! TLS for connections to a shared server. `sslmode` from `DATABASE_URL` is honoured:
//! `require` encrypts and verifies the server's certificate (against the public web roots
//! and, if `PGSSLROOTCERT` or `DIBS_SSL_ROOT_CERT` names a PEM file, that CA) — stricter than
//! libpq, whose `require` does not verify; `disable` and `prefer` (the default) connect in
//! plain text, as a Unix socket always does. A certificate that cannot be verified is an
//! error that says so, never a silent downgrade.

use std::sync::{Arc, OnceLock};

use tokio_postgres::Config;
use tokio_postgres::config::SslMode;
use tokio_postgres_rustls::MakeRustlsConnect;

use crate::error::Error;
use crate::text::DbText;

fn root_cert_path() -> Option<std::path::PathBuf> {
    ["DIBS_SSL_ROOT_CERT", "PGSSLROOTCERT"]
        .iter()
        .find_map(|name| std::env::var_os(name).filter(|v| !v.is_empty()))
        .map(std::path::PathBuf::from)
}

fn build() -> Result<MakeRustlsConnect, String> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = root_cert_path() {
        let certs =
            CertificateDer::pem_file_iter(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        for cert in certs {
            let cert = cert.map_err(|e| format!("{}: {e}", path.display()))?;
            roots
                .add(cert)
                .map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(MakeRustlsConnect::new(config))
}

/// The TLS connector every connection uses (built once per process).
pub fn connector() -> Result<MakeRustlsConnect, Error> {
    static CONNECTOR: OnceLock<Result<MakeRustlsConnect, String>> = OnceLock::new();
    CONNECTOR
        .get_or_init(build)
        .clone()
        .map_err(|detail| DbText::TlsSetup { detail }.into())
}

/// The configuration as dibs connects with it: `prefer` is treated as `disable` (an
/// unverified opportunistic handshake would only pretend to protect), and a connection over
/// a Unix socket never negotiates TLS, as libpq ignores `sslmode` there (the socket is
/// local; TLS over it would only fail with "invalid dns name").
pub fn effective(config: &Config) -> Config {
    let mut config = config.clone();
    let sockets_only = !config.get_hosts().is_empty()
        && config
            .get_hosts()
            .iter()
            .all(|h| matches!(h, tokio_postgres::config::Host::Unix(_)));
    if config.get_ssl_mode() == SslMode::Prefer || sockets_only {
        config.ssl_mode(SslMode::Disable);
    }
    config
}

/// Whether a connection with this (effective) configuration negotiates TLS at all. The
/// plain connector is used otherwise: the TLS one would try to read a Unix socket's path
/// as a server name.
pub fn wants_tls(config: &Config) -> bool {
    config.get_ssl_mode() != SslMode::Disable
}
