//! The real Cosmian KMS server, built with the `non-fips` feature (a plain
//! `cargo install cosmian_kms_server --features non-fips` cannot do that).
//!
//! `byok-kms-server --wrapper-version` prints the wrapped server version so
//! installers can skip a rebuild; every other argument is the server's own.

use std::sync::Arc;

use cosmian_kms_server::{
    config::{ClapConfig, ServerParams},
    openssl_providers::init_openssl_providers,
    start_kms_server::start_kms_server,
};

const SERVER_VERSION: &str = "5.28.0";

#[tokio::main]
async fn main() {
    if std::env::args().nth(1).as_deref() == Some("--wrapper-version") {
        println!("byok-kms-server {SERVER_VERSION}");
        return;
    }
    if let Err(e) = run().await {
        eprintln!("byok-kms-server: {e}");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let config = ClapConfig::load_configuration()?;
    init_openssl_providers()?;
    let params = Arc::new(ServerParams::try_from(config)?);
    eprintln!("byok-kms-server: Cosmian KMS {SERVER_VERSION} starting");
    Box::pin(start_kms_server(params, None, None, None)).await?;
    Ok(())
}
