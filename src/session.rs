//! Who the app acts as, learned from the KMS once per page load and shared as
//! context; and the trip through the KMS's own sign-in that brings the user back.

use leptos::prelude::*;

use crate::browser::{
    FieldSnapshot, SessionKey, go_to, page_location, restore_form_field, session_get, session_set,
    snapshot_form_fields,
};
use crate::client::{KmsClient, RequestError, on_sign_in_needed};
use crate::domain::account::{SignInMethod, UserId, return_path};
use crate::routes::base;
use crate::settings::use_settings;

/// What the header says about the user.
#[derive(Clone, Debug, PartialEq)]
pub enum Account {
    /// Still asking the KMS.
    Unknown,
    /// The KMS wants a sign-in (or a token, a certificate) that it has not got.
    SignedOut(SignInMethod),
    /// Requests act as `user`.
    User {
        user: UserId,
        method: SignInMethod,
        /// Authenticated by the access token from Settings.
        by_token: bool,
    },
    /// The KMS could not be asked (its error, in plain words).
    Unavailable(String),
}

/// The account as context: set at start, turned to signed out by any later
/// "sign in" refusal (a session that ended mid-flow).
#[derive(Clone, Copy, Debug)]
pub struct Session {
    pub account: RwSignal<Account>,
}

impl Session {
    /// Starts learning who the app acts as, again whenever Settings change.
    pub fn provide() -> Self {
        let session = Self {
            account: RwSignal::new(Account::Unknown),
        };
        provide_context(session);
        let settings = use_settings();
        Effect::new(move |_| {
            let client = settings.client();
            session.account.set(Account::Unknown);
            leptos::task::spawn_local(async move {
                let account = match client {
                    Ok(client) => learn_account(&client).await,
                    Err(message) => Account::Unavailable(message),
                };
                session.account.set(account);
            });
        });
        on_sign_in_needed(move || {
            session.account.update(|account| {
                if let Account::User { method, .. } = account {
                    *account = Account::SignedOut(method.clone());
                }
            });
        });
        session
    }
}

/// The context provided by the app shell.
pub fn use_session() -> Session {
    expect_context::<Session>()
}

/// Asks how the KMS signs users in, then who the requests act as.
async fn learn_account(client: &KmsClient) -> Account {
    let method = client.sign_in_method().await;
    let by_token = client.has_token();
    let user = if method == SignInMethod::OpenIdConnect && !by_token {
        client.signed_in_user().await
    } else {
        user_or_none(client.me().await)
    };
    match user {
        Ok(Some(user)) => Account::User {
            user,
            method,
            by_token,
        },
        Ok(None) => Account::SignedOut(method),
        Err(e) => Account::Unavailable(e.to_string()),
    }
}

/// `/me`'s answer, a "sign in" refusal being nobody.
fn user_or_none(me: Result<UserId, RequestError>) -> Result<Option<UserId>, RequestError> {
    match me {
        Ok(user) => Ok(Some(user)),
        Err(e) if e.is_sign_in_needed() => Ok(None),
        Err(e) => Err(e),
    }
}

/// Where the trip comes back to, and the fields to put back there.
#[derive(serde::Serialize, serde::Deserialize)]
struct LeftForm {
    path: String,
    fields: Vec<FieldSnapshot>,
}

/// Keeps this page's address and form in this tab, then goes to the KMS's
/// sign-in; the KMS brings the browser back to `/ui/locate` (see
/// [`return_after_sign_in`]).
pub fn leave_to_sign_in(client: &KmsClient) {
    let path = page_location();
    let left = LeftForm {
        path: path.clone(),
        fields: snapshot_form_fields(),
    };
    session_set(&SessionKey::ReturnTo, &path);
    if let Ok(json) = serde_json::to_string(&left) {
        session_set(&SessionKey::FormSnapshot, &json);
    }
    go_to(&client.url().login_flow_page());
}

/// Ends the KMS's session (it then goes to the provider's sign-out, if any).
pub fn leave_to_sign_out(client: &KmsClient) {
    session_set(&SessionKey::ReturnTo, "");
    session_set(&SessionKey::FormSnapshot, "");
    go_to(&client.url().logout_page());
}

/// The page to show after a sign-in, if the user left one of ours for it
/// (forgotten once read).
pub fn return_after_sign_in() -> Option<String> {
    let stored = session_get(&SessionKey::ReturnTo)?;
    session_set(&SessionKey::ReturnTo, "");
    return_path(&stored, base()).map(str::to_owned)
}

/// When this page is the one the user left to sign in, puts its form back
/// as its fields appear (run once at start).
pub fn put_back_left_form() {
    let Some(left) = session_get(&SessionKey::FormSnapshot)
        .and_then(|json| serde_json::from_str::<LeftForm>(&json).ok())
    else {
        return;
    };
    if left.path == page_location() {
        session_set(&SessionKey::FormSnapshot, "");
        put_back(left.fields, 0);
    }
}

/// How long the page has to show its fields again (they load lazily, some
/// only after others are filled, some after a list arrives from the KMS).
const PUT_BACK_TRIES: u32 = 150;
const PUT_BACK_EVERY_MS: u32 = 100;

/// Puts back every field it can, then tries the rest a little later.
fn put_back(fields: Vec<FieldSnapshot>, tries: u32) {
    let pending: Vec<FieldSnapshot> = fields
        .into_iter()
        .filter(|field| !restore_form_field(field))
        .collect();
    if pending.is_empty() || tries >= PUT_BACK_TRIES {
        return;
    }
    gloo_timers::callback::Timeout::new(PUT_BACK_EVERY_MS, move || put_back(pending, tries + 1))
        .forget();
}
