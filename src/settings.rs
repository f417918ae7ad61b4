//! The KMS address and access token chosen in Settings, shared as context and
//! kept in this tab's sessionStorage only (never localStorage, never logged).

use leptos::prelude::*;

use crate::browser::{SessionKey, session_get, session_set};
use crate::client::KmsClient;
use crate::domain::server_url::ServerUrl;

/// The connection settings every page reads.
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    /// What the user typed; empty means "the server that served this page".
    pub server_url: RwSignal<String>,
    /// Optional bearer token (API token or JWT).
    pub token: RwSignal<String>,
}

impl Settings {
    /// Restores this tab's settings.
    pub fn from_session() -> Self {
        Self {
            server_url: RwSignal::new(session_get(&SessionKey::ServerUrl).unwrap_or_default()),
            token: RwSignal::new(session_get(&SessionKey::Token).unwrap_or_default()),
        }
    }

    /// Checks the address, then stores both values; changes nothing on error.
    pub fn save(&self, server_url: &str, token: &str) -> Result<(), String> {
        ServerUrl::parse(server_url, &origin())?;
        let token = token.trim();
        if token.contains(char::is_whitespace) {
            return Err(
                "The access token contains spaces or line breaks: paste the token alone, without \"Bearer\"."
                    .to_owned(),
            );
        }
        session_set(&SessionKey::ServerUrl, server_url.trim());
        session_set(&SessionKey::Token, token);
        self.server_url.set(server_url.trim().to_owned());
        self.token.set(token.to_owned());
        Ok(())
    }

    /// A client for the current settings (tracks both signals).
    pub fn client(&self) -> Result<KmsClient, String> {
        let url = ServerUrl::parse(&self.server_url.get(), &origin())?;
        let token = self.token.get();
        Ok(KmsClient::new(url, (!token.is_empty()).then_some(token)))
    }
}

/// The settings provided by the app shell.
pub fn use_settings() -> Settings {
    expect_context::<Settings>()
}

pub use crate::browser::page_origin as origin;
