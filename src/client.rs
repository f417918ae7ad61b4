//! The one HTTP client: sends KMIP JSON to the KMS and turns every failure
//! into a [`RequestError`] that keeps the status and the server's reason.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::fmt;
use std::rc::Rc;

use gloo_net::http::{Request, RequestBuilder, Response};
use gloo_timers::callback::Timeout;
use serde::Deserialize;
use web_sys::RequestMode;

use crate::browser::page_origin;

use crate::domain::account::{self, SharedObject, SignInMethod, Unauthorized, UserId};
use crate::domain::server_url::ServerUrl;
use crate::kmip::{self, ProtocolError, Ttlv};

thread_local! {
    static VENDOR_IDS: RefCell<HashMap<String, String>> = RefCell::new(HashMap::new());
    static SIGN_IN_METHODS: RefCell<HashMap<String, SignInMethod>> = RefCell::new(HashMap::new());
    static ON_SIGN_IN_NEEDED: RefCell<Option<Rc<dyn Fn()>>> = RefCell::new(None);
}

/// Runs `hook` whenever the KMS answers that nobody is signed in (the app
/// shell uses it to turn the header's "Signed in as …" into "Sign in").
pub fn on_sign_in_needed(hook: impl Fn() + 'static) {
    ON_SIGN_IN_NEEDED.with_borrow_mut(|slot| *slot = Some(Rc::new(hook)));
}

/// How long a request may take before the app gives up on it.
pub const REQUEST_TIMEOUT_MS: u32 = 30_000;

/// Why a request to the KMS did not give the expected answer.
#[derive(Clone, Debug, PartialEq)]
pub enum RequestError {
    /// No HTTP answer at all (server down, wrong address, blocked).
    Unreachable { url: String, reason: String },
    /// The server is up (it answers a `no-cors` probe) but refused this page's
    /// origin, so the browser hid its answer.
    OriginRefused { url: String, origin: String },
    /// No answer within [`REQUEST_TIMEOUT_MS`].
    TimedOut { url: String },
    /// HTTP 401 because nobody is signed in (or the session, token or
    /// certificate is no longer accepted), with how this KMS signs users in.
    SignInNeeded {
        reason: String,
        method: SignInMethod,
    },
    /// HTTP 401 "Access denied: …": the user is known but lacks the right.
    RightMissing {
        reason: String,
        user: Option<UserId>,
    },
    /// An HTTP error status with the server's one-line reason.
    Refused { status: u16, reason: String },
    /// A success status whose body is not what the operation returns.
    Protocol(ProtocolError),
}

impl RequestError {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Refused { status, .. } => Some(*status),
            Self::SignInNeeded { .. } | Self::RightMissing { .. } => Some(401),
            _ => None,
        }
    }

    /// The KMS wants the user to sign in (again).
    pub fn is_sign_in_needed(&self) -> bool {
        matches!(self, Self::SignInNeeded { .. })
    }

    /// The server refused to store an object because one with that id already
    /// exists (Create, CreateKeyPair, or Import without ReplaceExisting).
    pub fn is_taken(&self) -> bool {
        matches!(self, Self::Refused { status: 422, reason } if reason.contains("already exist"))
    }

    /// The server answered that no object has the id asked for.
    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::Refused { status: 422, reason }
            if reason.contains("Object_Not_Found")
                || reason.contains("not found")
                || reason.contains("does not exist"))
    }
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unreachable { url, reason } => write!(
                f,
                "Cannot reach the KMS at {url}: {reason}. Check that the server is running \
                 and that the address in Settings is right."
            ),
            Self::OriginRefused { url, origin } => write!(
                f,
                "The KMS at {url} is running but refuses requests from this page's origin ({origin}) (CORS). \
                 Start it with --cors-allowed-origins {origin} (list the server's own origin too if it also serves the UI), \
                 or open this UI from the server itself."
            ),
            Self::TimedOut { url } => write!(
                f,
                "The KMS at {url} did not answer within {} seconds. Try again, or check the server.",
                REQUEST_TIMEOUT_MS / 1000
            ),
            Self::SignInNeeded { reason, method } => write!(
                f,
                "The KMS refused the request (401): {}. {}",
                reason.trim_end_matches('.'),
                method.what_to_do()
            ),
            Self::RightMissing { reason, user } => write!(
                f,
                "The KMS refused the request (401): {}. {}",
                reason.trim_end_matches('.'),
                account::right_missing_advice(user.as_ref())
            ),
            Self::Refused { status, reason } => {
                let reason = reason.trim_end_matches('.');
                write!(f, "The KMS refused the request ({status}): {reason}.")?;
                match status {
                    500 => write!(
                        f,
                        " The server keeps the details of internal errors in its log."
                    ),
                    400 if reason.contains("Origin") => write!(
                        f,
                        " Start the server with --cors-allowed-origins listing this page's origin, or open the UI from the server itself."
                    ),
                    _ => Ok(()),
                }
            }
            Self::Protocol(e) => write!(f, "The KMS answered something unexpected: {e}"),
        }
    }
}

impl From<ProtocolError> for RequestError {
    fn from(e: ProtocolError) -> Self {
        Self::Protocol(e)
    }
}

impl From<kmip::FailedItem> for RequestError {
    /// A failed item of a message reads as the same operation refused alone
    /// (the KMS answers those with 422 and `"<reason>: <message>"`).
    fn from(item: kmip::FailedItem) -> Self {
        Self::Refused {
            status: 422,
            reason: item.as_reason_line(),
        }
    }
}

/// What `/server-info` reports.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct ServerInfo {
    pub version: String,
}

/// A KMS address and its optional bearer token.
#[derive(Clone, Debug, PartialEq)]
pub struct KmsClient {
    url: ServerUrl,
    token: Option<String>,
}

impl KmsClient {
    pub fn new(url: ServerUrl, token: Option<String>) -> Self {
        Self { url, token }
    }

    pub fn url(&self) -> &ServerUrl {
        &self.url
    }

    /// Whether requests carry the access token from Settings.
    pub fn has_token(&self) -> bool {
        self.token.is_some()
    }

    /// Sends one KMIP operation and returns the bare `<Op>Response` node.
    pub async fn kmip(&self, operation: &Ttlv) -> Result<Ttlv, RequestError> {
        let deadline = Deadline::start();
        let request = self
            .authorized(Request::post(&self.url.kmip_endpoint()), &deadline)
            .header("Content-Type", "application/json")
            .body(operation.to_json().to_string())
            .map_err(|e| self.unreachable(e.to_string()))?;
        let text = self.send(request, &deadline).await?;
        Ok(Ttlv::from_json_text(&text)?)
    }

    /// Sends `operations` as one KMIP `RequestMessage` (one round trip, whatever
    /// their number; none for an empty list) and returns one result per
    /// operation, in order. The outer error is the message's (nothing was
    /// done); an item's error is what the same operation alone would give:
    /// [`RequestError::Refused`] 422 with the server's `"<reason>: <message>"`.
    pub async fn kmip_batch(
        &self,
        operations: &[Ttlv],
    ) -> Result<Vec<Result<Ttlv, RequestError>>, RequestError> {
        if operations.is_empty() {
            return Ok(Vec::new());
        }
        let reply = self.kmip(&kmip::request_message(operations)).await?;
        Ok(kmip::parse_response_message(&reply, operations.len())?
            .into_iter()
            .map(|item| item.map_err(RequestError::from))
            .collect())
    }

    /// The server's version (and a check that the token is accepted).
    pub async fn server_info(&self) -> Result<ServerInfo, RequestError> {
        let text = self.get_text(&self.url.server_info_endpoint()).await?;
        serde_json::from_str(&text).map_err(|e| {
            ProtocolError(format!("/server-info is not the expected JSON ({e})")).into()
        })
    }

    /// The server's version from `/version`, which answers signed out too
    /// (same origin only: it sends no CORS headers).
    pub async fn version(&self) -> Result<String, RequestError> {
        let text = self.get_text(&self.url.version_endpoint()).await?;
        let text = text.trim();
        Ok(serde_json::from_str::<String>(text).unwrap_or_else(|_| text.to_owned()))
    }

    /// How this KMS signs browser users in (asked once per address and page
    /// load); a KMS that does not say (no UI routes, older) counts as none.
    pub async fn sign_in_method(&self) -> SignInMethod {
        let url = self.url.to_string();
        if let Some(known) = SIGN_IN_METHODS.with_borrow(|methods| methods.get(&url).cloned()) {
            return known;
        }
        let method = match self.get_plain(&self.url.auth_method_endpoint()).await {
            Ok(text) => SignInMethod::parse_auth_method(&text).unwrap_or(SignInMethod::None),
            Err(_) => SignInMethod::None,
        };
        SIGN_IN_METHODS.with_borrow_mut(|methods| methods.insert(url, method.clone()));
        method
    }

    /// The user this client's requests act as (`/me`), asked afresh: another
    /// tab may have signed in as someone else since.
    pub async fn me(&self) -> Result<UserId, RequestError> {
        let text = self.get_text(&self.url.me_endpoint()).await?;
        Ok(UserId::parse_me(&text).map_err(ProtocolError)?)
    }

    /// Who is signed in through the KMS's own sign-in (`/ui/whoami`); `None`
    /// when nobody is (its 401 "No active session").
    pub async fn signed_in_user(&self) -> Result<Option<UserId>, RequestError> {
        match self.get_text(&self.url.whoami_endpoint()).await {
            Ok(text) => Ok(Some(UserId::parse_whoami(&text).map_err(ProtocolError)?)),
            Err(e) if e.status() == Some(401) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Whether this user may create or import objects (`/access/create`).
    pub async fn may_create(&self) -> Result<bool, RequestError> {
        let text = self.get_text(&self.url.access_create_endpoint()).await?;
        Ok(account::parse_may_create(&text).map_err(ProtocolError)?)
    }

    /// The objects other users shared with this user (`/access/obtained`).
    pub async fn shared_with_me(&self) -> Result<Vec<SharedObject>, RequestError> {
        let text = self.get_text(&self.url.access_obtained_endpoint()).await?;
        Ok(account::parse_obtained(&text).map_err(ProtocolError)?)
    }

    async fn get_text(&self, url: &str) -> Result<String, RequestError> {
        let deadline = Deadline::start();
        let request = self.get_request(url, &deadline)?;
        self.send(request, &deadline).await
    }

    /// A GET whose 401 is not looked into (for the calls that look into one).
    async fn get_plain(&self, url: &str) -> Result<String, RequestError> {
        let deadline = Deadline::start();
        let request = self.get_request(url, &deadline)?;
        self.send_plain(request, &deadline).await
    }

    fn get_request(&self, url: &str, deadline: &Deadline) -> Result<Request, RequestError> {
        self.authorized(Request::get(url), deadline)
            .build()
            .map_err(|e| self.unreachable(e.to_string()))
    }

    /// `/me` for a refusal's message: `None` when it cannot be learned.
    async fn me_as_is(&self) -> Option<UserId> {
        let text = self.get_plain(&self.url.me_endpoint()).await.ok()?;
        UserId::parse_me(&text).ok()
    }

    /// The vendor id the server expects in tag attributes (asked once per address).
    pub async fn vendor_id(&self) -> Result<String, RequestError> {
        let url = self.url.to_string();
        if let Some(known) = VENDOR_IDS.with_borrow(|ids| ids.get(&url).cloned()) {
            return Ok(known);
        }
        let reply = self.kmip(&kmip::query_server_information()).await?;
        let vendor_id = kmip::parse_query_vendor_id(&reply)?;
        VENDOR_IDS.with_borrow_mut(|ids| ids.insert(url, vendor_id.clone()));
        Ok(vendor_id)
    }

    fn authorized(&self, builder: RequestBuilder, deadline: &Deadline) -> RequestBuilder {
        let builder = builder.abort_signal(deadline.signal().as_ref());
        match &self.token {
            Some(token) => builder.header("Authorization", &format!("Bearer {token}")),
            None => builder,
        }
    }

    fn unreachable(&self, reason: String) -> RequestError {
        RequestError::Unreachable {
            url: self.url.to_string(),
            reason,
        }
    }

    /// Sends; a non-2xx status becomes [`RequestError::Refused`], a 401 one
    /// of the two kinds the KMS means by it.
    async fn send(&self, request: Request, deadline: &Deadline) -> Result<String, RequestError> {
        match self.send_plain(request, deadline).await {
            Err(RequestError::Refused {
                status: 401,
                reason,
            }) => Err(self.unauthorized(reason).await),
            other => other,
        }
    }

    /// Sends; a non-2xx status becomes [`RequestError::Refused`] as it is.
    async fn send_plain(
        &self,
        request: Request,
        deadline: &Deadline,
    ) -> Result<String, RequestError> {
        match request.send().await {
            Ok(response) => read_body(response).await,
            Err(_) if deadline.expired.get() => Err(RequestError::TimedOut {
                url: self.url.to_string(),
            }),
            Err(e) => Err(self.diagnose_no_answer(e.to_string()).await),
        }
    }

    /// Tells "sign in" from "you lack this right", with what the user can do.
    async fn unauthorized(&self, reason: String) -> RequestError {
        match Unauthorized::of(&reason) {
            Unauthorized::RightMissing => RequestError::RightMissing {
                user: self.me_as_is().await,
                reason,
            },
            Unauthorized::SignInNeeded => {
                if let Some(hook) = ON_SIGN_IN_NEEDED.with_borrow(Clone::clone) {
                    hook();
                }
                RequestError::SignInNeeded {
                    method: self.sign_in_method().await,
                    reason,
                }
            }
        }
    }

    /// A CORS refusal and a dead server look the same to a page; an opaque
    /// `no-cors` GET of /version tells them apart (it only arrives if the server is up).
    async fn diagnose_no_answer(&self, raw: String) -> RequestError {
        let deadline = Deadline::start();
        let probe = Request::get(&self.url.version_endpoint())
            .mode(RequestMode::NoCors)
            .abort_signal(deadline.signal().as_ref())
            .build();
        let server_is_up = match probe {
            Ok(probe) => probe.send().await.is_ok(),
            Err(_) => false,
        };
        if server_is_up {
            RequestError::OriginRefused {
                url: self.url.to_string(),
                origin: page_origin(),
            }
        } else {
            self.unreachable(describe_fetch_error(&raw))
        }
    }
}

/// Aborts the request after [`REQUEST_TIMEOUT_MS`], or when dropped: a request
/// the user cancelled (its future dropped) stops on the wire too.
struct Deadline {
    controller: Option<web_sys::AbortController>,
    expired: Rc<Cell<bool>>,
    _timer: Option<Timeout>,
}

impl Deadline {
    fn start() -> Self {
        let controller = web_sys::AbortController::new().ok();
        let expired = Rc::new(Cell::new(false));
        let timer = controller.clone().map(|controller| {
            let expired = expired.clone();
            Timeout::new(REQUEST_TIMEOUT_MS, move || {
                expired.set(true);
                controller.abort();
            })
        });
        Self {
            controller,
            expired,
            _timer: timer,
        }
    }

    fn signal(&self) -> Option<web_sys::AbortSignal> {
        self.controller
            .as_ref()
            .map(web_sys::AbortController::signal)
    }
}

impl Drop for Deadline {
    fn drop(&mut self) {
        // Harmless once the body has been read.
        if let Some(controller) = &self.controller {
            controller.abort();
        }
    }
}

async fn read_body(response: Response) -> Result<String, RequestError> {
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    if (200..300).contains(&status) {
        Ok(text)
    } else {
        let reason = text.trim();
        let reason = if reason.is_empty() {
            response.status_text()
        } else {
            reason.to_owned()
        };
        Err(RequestError::Refused { status, reason })
    }
}

/// Browsers hide the cause of a failed fetch; say what it usually means.
fn describe_fetch_error(raw: &str) -> String {
    if raw.contains("Failed to fetch") || raw.contains("NetworkError") {
        "no answer (the server is down or the address is wrong)".to_owned()
    } else {
        raw.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::RequestError;

    fn refused(status: u16, reason: &str) -> RequestError {
        RequestError::Refused {
            status,
            reason: reason.to_owned(),
        }
    }

    /// What the KMS 5.28 answers when a Create, CreateKeyPair or Import names an id already in use.
    const TAKEN: &str = "Database Error: Ext. store error: one or more objects already exist";

    #[test]
    fn a_taken_id_is_told_apart_from_other_refusals() {
        assert!(refused(422, TAKEN).is_taken());
        assert!(!refused(422, TAKEN).is_not_found());
        assert!(!refused(500, TAKEN).is_taken());
        assert!(!refused(422, "Object_Not_Found: kek-x: not found").is_taken());
        assert!(!refused(422, "Not Supported: wrapping failed").is_taken());
        assert!(
            !RequestError::TimedOut {
                url: "http://127.0.0.1:9998".into()
            }
            .is_taken()
        );
    }

    #[test]
    fn a_401_says_whether_to_sign_in_or_which_right_is_missing() {
        use crate::domain::account::{SIGN_IN_ADVICE, SignInMethod, UserId};
        let sign_in = RequestError::SignInNeeded {
            reason: "No authentication provided.".into(),
            method: SignInMethod::OpenIdConnect,
        }
        .to_string();
        assert!(
            sign_in.starts_with("The KMS refused the request (401): No authentication provided. You are not signed in"),
            "{sign_in}"
        );
        assert!(sign_in.ends_with(SIGN_IN_ADVICE), "{sign_in}");
        let token = RequestError::SignInNeeded {
            reason: "No authentication provided.".into(),
            method: SignInMethod::None,
        };
        assert_eq!(
            token.to_string(),
            "The KMS refused the request (401): No authentication provided. Enter a valid access token in Settings."
        );
        assert_eq!(token.status(), Some(401));
        assert!(token.is_sign_in_needed());
        let right = RequestError::RightMissing {
            reason: "Access denied: User does not have create access-right.".into(),
            user: UserId::new("bob@example.com"),
        };
        let text = right.to_string();
        assert!(
            text.starts_with("The KMS refused the request (401): Access denied: User does not have create access-right. You are signed in as bob@example.com"),
            "{text}"
        );
        assert!(!text.contains("access token"), "{text}");
        assert!(!right.is_sign_in_needed());
    }

    #[test]
    fn a_failed_batch_item_reads_like_the_same_call_alone() {
        let item = crate::kmip::FailedItem {
            reason: "Object_Not_Found".into(),
            message: "object not found for identifier gone".into(),
        };
        let error = RequestError::from(item);
        assert_eq!(
            error,
            refused(
                422,
                "Object_Not_Found: object not found for identifier gone"
            )
        );
        assert!(error.is_not_found());
    }

    #[test]
    fn not_found_is_told_apart_from_other_refusals() {
        assert!(refused(422, "Object_Not_Found: kek-x: not found").is_not_found());
        assert!(refused(422, "Item not found: aes-key").is_not_found());
        // What the KMS 5.28 says when an Export names a wrapping key that is gone.
        assert!(
            refused(
                422,
                "Not Supported: The wrapping key kek-y does not exist or is not accessible"
            )
            .is_not_found()
        );
        assert!(!refused(422, "Not Supported: wrapping failed").is_not_found());
        assert!(!refused(422, TAKEN).is_not_found());
        assert!(!refused(500, "Object_Not_Found").is_not_found());
        assert!(
            !RequestError::TimedOut {
                url: "http://127.0.0.1:9998".into()
            }
            .is_not_found()
        );
    }
}
