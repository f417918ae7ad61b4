//! Who the KMS sees and how it signs users in: its `/ui/auth_method`, `/me`
//! and `/ui/whoami` answers read once here, and its two kinds of 401 told apart.

use serde::Deserialize;

/// How the KMS wants a browser user to prove who they are, as
/// `/ui/auth_method` names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignInMethod {
    /// OpenID Connect: the KMS runs the sign-in itself (`/ui/login_flow`)
    /// and keeps the user in a session cookie.
    OpenIdConnect,
    /// TLS client certificates: the browser presents one, nothing to type.
    ClientCertificate,
    /// SPIFFE JWT-SVIDs or an external verifier: nothing a browser does here.
    Workload(String),
    /// No sign-in for browsers: every request is the KMS's default user, or
    /// the user an access token in Settings names.
    None,
}

impl SignInMethod {
    /// Reads `{"auth_method": "<first>", "auth_methods": [...]}`; the first
    /// method is the one the KMS prefers. A KMS without the route (older, or
    /// one that serves no UI) counts as [`SignInMethod::None`].
    pub fn parse_auth_method(json: &str) -> Result<Self, String> {
        #[derive(Deserialize)]
        struct AuthMethod {
            auth_method: String,
        }
        let answer: AuthMethod = serde_json::from_str(json)
            .map_err(|e| format!("/ui/auth_method did not answer {{\"auth_method\": …}} ({e})"))?;
        Ok(Self::from_name(&answer.auth_method))
    }

    fn from_name(name: &str) -> Self {
        match name {
            "JWT" => Self::OpenIdConnect,
            "CERT" => Self::ClientCertificate,
            "None" | "" => Self::None,
            other => Self::Workload(other.to_owned()),
        }
    }

    /// The method in the user's words, for messages.
    pub fn describe(&self) -> String {
        match self {
            Self::OpenIdConnect => "sign-in through the KMS (OpenID Connect)".to_owned(),
            Self::ClientCertificate => "a TLS client certificate".to_owned(),
            Self::Workload(name) => format!("{name} credentials"),
            Self::None => "an access token in Settings".to_owned(),
        }
    }

    /// What a user who is not (or no longer) signed in should do.
    pub fn what_to_do(&self) -> String {
        match self {
            Self::OpenIdConnect => format!(
                "You are not signed in, or your session has ended: this KMS signs users in itself \
                 (OpenID Connect). {SIGN_IN_ADVICE}"
            ),
            Self::ClientCertificate => "The KMS did not accept a client certificate from this browser: \
                 open this page with the certificate your organisation gave you installed in the browser \
                 (the browser asks for it when the page loads)."
                .to_owned(),
            Self::Workload(name) => format!(
                "This KMS expects {name} credentials, which a browser cannot present: \
                 enter an access token in Settings, or ask the KMS administrator for a sign-in this UI supports."
            ),
            Self::None => "Enter a valid access token in Settings.".to_owned(),
        }
    }
}

/// Ends every "sign in again" message, so the error banner can offer the
/// Sign in button next to exactly those messages.
pub const SIGN_IN_ADVICE: &str =
    "Sign in through the KMS with \"Sign in\" at the top of the page: what you typed here is kept.";

/// A user id as the KMS resolves it (an email for OpenID Connect, a
/// certificate's CN, or the default user when authentication is off).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UserId(String);

impl UserId {
    /// A non-empty id, trimmed; `None` for an empty one.
    pub fn new(id: &str) -> Option<Self> {
        let id = id.trim();
        (!id.is_empty()).then(|| Self(id.to_owned()))
    }

    /// Reads `/me`'s `{"user": "<id>"}`.
    pub fn parse_me(json: &str) -> Result<Self, String> {
        #[derive(Deserialize)]
        struct Me {
            user: String,
        }
        let me: Me = serde_json::from_str(json)
            .map_err(|e| format!("/me did not answer {{\"user\": …}} ({e})"))?;
        Self::new(&me.user).ok_or_else(|| "/me named no user".to_owned())
    }

    /// Reads `/ui/whoami`'s `{"user_id": "<id>"}`.
    pub fn parse_whoami(json: &str) -> Result<Self, String> {
        #[derive(Deserialize)]
        struct WhoAmI {
            user_id: String,
        }
        let me: WhoAmI = serde_json::from_str(json)
            .map_err(|e| format!("/ui/whoami did not answer {{\"user_id\": …}} ({e})"))?;
        Self::new(&me.user_id).ok_or_else(|| "/ui/whoami named no user".to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for UserId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Reads `/access/create`'s `{"has_create_permission": bool}`.
pub fn parse_may_create(json: &str) -> Result<bool, String> {
    #[derive(Deserialize)]
    struct Create {
        has_create_permission: bool,
    }
    serde_json::from_str::<Create>(json)
        .map(|c| c.has_create_permission)
        .map_err(|e| {
            format!("/access/create did not answer {{\"has_create_permission\": …}} ({e})")
        })
}

/// An object another user shared with this one (`/access/obtained`), with
/// the operations granted (the KMS's lower-case names: `export`,
/// `getattributes`, `addattribute`, …).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct SharedObject {
    pub object_id: String,
    pub owner_id: String,
    pub operations: Vec<String>,
}

impl SharedObject {
    /// Whether this user may record a ledger entry on it (the ledger is kept
    /// in the key's vendor attributes, written with AddAttribute/SetAttribute).
    pub fn may_write_attributes(&self) -> bool {
        self.operations
            .iter()
            .any(|op| op == "addattribute" || op == "setattribute")
    }
}

/// `ids` (what the KMS's Locate lists for this user: their own objects and
/// those shared with them for anything) without those shared without
/// `operation`, which this user could see but not use for it.
pub fn usable_ids(ids: Vec<String>, shared: &[SharedObject], operation: &str) -> Vec<String> {
    ids.into_iter()
        .filter(|id| {
            shared
                .iter()
                .find(|s| s.object_id == *id)
                .is_none_or(|s| s.operations.iter().any(|op| op == operation))
        })
        .collect()
}

/// Reads `/access/obtained`'s list.
pub fn parse_obtained(json: &str) -> Result<Vec<SharedObject>, String> {
    serde_json::from_str(json)
        .map_err(|e| format!("/access/obtained did not answer a list of shared objects ({e})"))
}

/// Why a key shared with this user without the Export right is not exported, said before
/// the Export is sent (the KMS would answer it as if the key did not exist).
pub fn export_not_granted(shared: &SharedObject) -> String {
    format!(
        "{id} is shared with you by {owner} without the right to export it, so nothing was \
         exported: ask {owner} to grant you Export on {id}, or choose a key from the list.",
        id = shared.object_id,
        owner = shared.owner_id
    )
}

/// What an export of a key shared without attribute writes means for the
/// ledger, said before the export.
pub fn unrecorded_export_notice(shared: &SharedObject) -> String {
    format!(
        "{} is shared with you by {}: you may export it, but the KMS does not let you write its \
         attributes, where the BYOK ledger keeps its records. The wrapped key material will be yours \
         as usual; the copy will not be in the ledger until the key's owner records it there \
         (\"Register a copy made outside this app\", with AWS's describe-key output).",
        shared.object_id, shared.owner_id
    )
}

/// The KMS answers 401 both when nobody is signed in and when the signed-in
/// user lacks a right: which one a refusal is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unauthorized {
    /// "No authentication provided", a rejected token or certificate, an ended session.
    SignInNeeded,
    /// "Access denied: …": the user is known, the right is missing.
    RightMissing,
}

impl Unauthorized {
    /// Classifies a 401's reason text.
    pub fn of(reason: &str) -> Self {
        if reason.contains("Access denied") || reason.contains("access right") {
            Self::RightMissing
        } else {
            Self::SignInNeeded
        }
    }
}

/// Why the import of a wrapping key (or any new object) is not for this
/// user, said before anything is sent.
pub fn create_refusal(user: &UserId, what: &str) -> String {
    format!(
        "{what} is not open to you: the KMS sees you as {user}, who is neither a Crypto Officer \
         nor granted the Create right, and only those users may create or import objects. \
         Ask a KMS administrator to add {user} to the Crypto Officers (--crypto-officer-users) \
         or to grant it Create, or sign in as a user who has it."
    )
}

/// What to say after the server refused an operation for a missing right.
pub fn right_missing_advice(user: Option<&UserId>) -> String {
    match user {
        Some(user) => format!(
            "You are signed in as {user}, but the KMS does not give {user} this right: \
             ask the object's owner or a KMS administrator to grant it, or sign in as a user who has it."
        ),
        None => "The KMS does not give your user this right: ask the object's owner or a KMS \
                 administrator to grant it."
            .to_owned(),
    }
}

/// Where to bring the user back after the KMS's sign-in: `stored` if it is
/// one of this app's own pages (a path under `base`), never another site.
pub fn return_path<'a>(stored: &'a str, base: &str) -> Option<&'a str> {
    let rest = stored.strip_prefix(base)?;
    let inside = rest.is_empty() || rest.starts_with(['/', '?', '#']);
    let plain = !stored.starts_with("//") && !stored.contains(['\\', '\n', '\r']);
    (inside && plain && stored.starts_with('/')).then_some(stored)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_apps_own_pages_are_returned_to() {
        assert_eq!(
            return_path("/ui/aws/byok?x=1#s", "/ui"),
            Some("/ui/aws/byok?x=1#s")
        );
        assert_eq!(
            return_path("/ui/byok/aws/ledger", "/ui/byok"),
            Some("/ui/byok/aws/ledger")
        );
        assert_eq!(return_path("/uix/aws", "/ui"), None);
        assert_eq!(return_path("https://evil.example/ui", "/ui"), None);
        assert_eq!(return_path("//evil.example/ui", ""), None);
        assert_eq!(return_path("/ui/a\\b", "/ui"), None);
        assert_eq!(return_path("/aws/byok", ""), Some("/aws/byok"));
    }

    #[test]
    fn the_first_method_is_the_one_the_kms_prefers() {
        let jwt = r#"{"auth_method":"JWT","auth_methods":["JWT","CERT"]}"#;
        assert_eq!(
            SignInMethod::parse_auth_method(jwt),
            Ok(SignInMethod::OpenIdConnect)
        );
        let cert = r#"{"auth_method":"CERT","auth_methods":["CERT"]}"#;
        assert_eq!(
            SignInMethod::parse_auth_method(cert),
            Ok(SignInMethod::ClientCertificate)
        );
        let none = r#"{"auth_method":"None","auth_methods":[]}"#;
        assert_eq!(
            SignInMethod::parse_auth_method(none),
            Ok(SignInMethod::None)
        );
        assert_eq!(
            SignInMethod::parse_auth_method(r#"{"auth_method":"SPIFFE"}"#),
            Ok(SignInMethod::Workload("SPIFFE".into()))
        );
        assert!(
            SignInMethod::parse_auth_method("<html>")
                .unwrap_err()
                .contains("/ui/auth_method")
        );
    }

    #[test]
    fn users_are_read_from_me_and_whoami() {
        assert_eq!(
            UserId::parse_me(r#"{"user":"alice@example.com"}"#)
                .unwrap()
                .as_str(),
            "alice@example.com"
        );
        assert_eq!(
            UserId::parse_whoami(r#"{"user_id":"bob@example.com"}"#)
                .unwrap()
                .as_str(),
            "bob@example.com"
        );
        assert!(UserId::parse_me(r#"{"user":"  "}"#).is_err());
        assert!(UserId::parse_whoami(r#"{"error":"No active session"}"#).is_err());
        assert_eq!(UserId::new(""), None);
    }

    #[test]
    fn shared_objects_say_whether_the_ledger_can_be_written() {
        let json = r#"[{"object_id":"k1","operations":["export","getattributes"],"owner_id":"alice@example.com","state":"Active"},
                       {"object_id":"k2","operations":["export","addattribute"],"owner_id":"alice@example.com","state":"Active"}]"#;
        let shared = parse_obtained(json).unwrap();
        assert!(!shared[0].may_write_attributes());
        assert!(shared[1].may_write_attributes());
        let notice = unrecorded_export_notice(&shared[0]);
        assert!(notice.starts_with("k1 is shared with you by alice@example.com"));
        assert!(notice.contains("Register a copy made outside this app"));
        assert_eq!(parse_obtained("[]"), Ok(Vec::new()));
        let read_only = SharedObject {
            object_id: "k3".into(),
            owner_id: "alice@example.com".into(),
            operations: vec!["getattributes".into()],
        };
        let all = ["mine", "k1", "k3"].map(String::from).to_vec();
        let listed = [shared.clone(), vec![read_only]].concat();
        assert_eq!(usable_ids(all, &listed, "export"), ["mine", "k1"]);
        assert!(parse_obtained("{}").is_err());
    }

    #[test]
    fn create_permission_is_read() {
        assert_eq!(
            parse_may_create(r#"{"has_create_permission":true}"#),
            Ok(true)
        );
        assert_eq!(
            parse_may_create(r#"{"has_create_permission":false}"#),
            Ok(false)
        );
        assert!(parse_may_create("{}").is_err());
    }

    #[test]
    fn a_missing_sign_in_is_told_from_a_missing_right() {
        assert_eq!(
            Unauthorized::of("No authentication provided."),
            Unauthorized::SignInNeeded
        );
        assert_eq!(
            Unauthorized::of("Access denied: User does not have create access-right."),
            Unauthorized::RightMissing
        );
        assert_eq!(
            Unauthorized::of("Bad authorization token"),
            Unauthorized::SignInNeeded
        );
    }

    #[test]
    fn a_key_shared_without_export_is_refused_naming_its_owner() {
        let shared = SharedObject {
            object_id: "k1".into(),
            owner_id: "alice@example.com".into(),
            operations: vec!["getattributes".into()],
        };
        assert_eq!(
            export_not_granted(&shared),
            "k1 is shared with you by alice@example.com without the right to export it, so nothing \
             was exported: ask alice@example.com to grant you Export on k1, or choose a key from the list."
        );
    }

    #[test]
    fn refusals_name_the_user_and_the_way_out() {
        let bob = UserId::new("bob@example.com").unwrap();
        let text = create_refusal(&bob, "Importing a wrapping key");
        assert!(text.starts_with("Importing a wrapping key is not open to you"));
        assert!(text.contains("bob@example.com"));
        assert!(text.contains("Crypto Officer"));
        assert!(text.contains("Create"));
        assert!(SignInMethod::OpenIdConnect.what_to_do().contains("Sign in"));
        assert!(SignInMethod::None.what_to_do().contains("access token"));
    }
}
