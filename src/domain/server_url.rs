//! The KMS address from the settings panel: checked once, then used as a
//! base for every request (empty means "the origin that served the UI").

use std::fmt;

/// A KMS base URL without a trailing slash, e.g. `http://127.0.0.1:9998`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerUrl(String);

impl ServerUrl {
    /// Parses what the user typed; `origin` is used when the input is empty.
    pub fn parse(input: &str, origin: &str) -> Result<Self, String> {
        let input = input.trim();
        let chosen = if input.is_empty() { origin } else { input };
        let rest = chosen
            .strip_prefix("http://")
            .or_else(|| chosen.strip_prefix("https://"))
            .ok_or_else(|| {
                format!(
                    "\"{chosen}\" is not a KMS address: start it with http:// or https://, e.g. http://127.0.0.1:9998"
                )
            })?;
        let host = rest.split('/').next().unwrap_or_default();
        if host.is_empty() {
            return Err(format!(
                "\"{chosen}\" has no host name: write it as http://HOST:PORT, e.g. http://127.0.0.1:9998"
            ));
        }
        if chosen.contains(char::is_whitespace) || chosen.contains(['?', '#']) {
            return Err(format!(
                "\"{chosen}\" contains spaces, '?' or '#': give only the server's address, e.g. http://127.0.0.1:9998"
            ));
        }
        Ok(Self(chosen.trim_end_matches('/').to_owned()))
    }

    /// The KMIP 2.1 JSON endpoint.
    pub fn kmip_endpoint(&self) -> String {
        format!("{}/kmip/2_1", self.0)
    }

    /// The CORS-enabled endpoint that reports the server's version.
    pub fn server_info_endpoint(&self) -> String {
        format!("{}/server-info", self.0)
    }

    /// Answers without CORS headers: only good for a `no-cors` "is it up?" probe.
    pub fn version_endpoint(&self) -> String {
        format!("{}/version", self.0)
    }

    /// How the KMS signs browser users in (`/ui/auth_method`).
    pub fn auth_method_endpoint(&self) -> String {
        format!("{}/ui/auth_method", self.0)
    }

    /// The user any request is resolved to.
    pub fn me_endpoint(&self) -> String {
        format!("{}/me", self.0)
    }

    /// The user of the KMS's own sign-in session.
    pub fn whoami_endpoint(&self) -> String {
        format!("{}/ui/whoami", self.0)
    }

    /// Whether the user may create or import objects.
    pub fn access_create_endpoint(&self) -> String {
        format!("{}/access/create", self.0)
    }

    /// The objects other users shared with this one, with the rights granted.
    pub fn access_obtained_endpoint(&self) -> String {
        format!("{}/access/obtained", self.0)
    }

    /// Where the KMS starts its OpenID Connect sign-in (a page to go to).
    pub fn login_flow_page(&self) -> String {
        format!("{}/ui/login_flow", self.0)
    }

    /// Where the KMS ends its session (a page to go to).
    pub fn logout_page(&self) -> String {
        format!("{}/ui/logout", self.0)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ServerUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORIGIN: &str = "http://127.0.0.1:9998";

    fn ok(input: &str, expected: &str) {
        assert_eq!(ServerUrl::parse(input, ORIGIN).unwrap().as_str(), expected);
    }
    fn err(input: &str, expected: &str) {
        assert_eq!(ServerUrl::parse(input, ORIGIN).unwrap_err(), expected);
    }

    #[test]
    fn empty_means_the_origin() {
        ok("", ORIGIN);
        ok("   ", ORIGIN);
    }

    #[test]
    fn trailing_slashes_and_spaces_are_dropped() {
        ok(" https://kms.example.com/ ", "https://kms.example.com");
        ok(
            "http://10.0.0.1:9998/prefix/",
            "http://10.0.0.1:9998/prefix",
        );
    }

    #[test]
    fn endpoints_hang_off_the_base() {
        let url = ServerUrl::parse("http://h:1/", ORIGIN).unwrap();
        assert_eq!(url.kmip_endpoint(), "http://h:1/kmip/2_1");
        assert_eq!(url.server_info_endpoint(), "http://h:1/server-info");
    }

    #[test]
    fn bad_addresses_say_what_to_write() {
        err(
            "kms:9998",
            "\"kms:9998\" is not a KMS address: start it with http:// or https://, e.g. http://127.0.0.1:9998",
        );
        err(
            "http:///x",
            "\"http:///x\" has no host name: write it as http://HOST:PORT, e.g. http://127.0.0.1:9998",
        );
        err(
            "http://h/?a=1",
            "\"http://h/?a=1\" contains spaces, '?' or '#': give only the server's address, e.g. http://127.0.0.1:9998",
        );
    }
}
