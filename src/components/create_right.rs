//! Whether the user may create or import objects, learned when a page opens:
//! a notice for those who may not, and the refusal the page's check gives.

use leptos::prelude::*;

use super::loaded::{KmsRead, use_kms_read};
use crate::domain::account::{UserId, create_refusal};

/// `Some(refusal)` once the KMS said this user may not create; `None` while
/// unknown or allowed (the server still has the last word).
#[derive(Clone, Copy)]
pub struct CreateRight {
    read: KmsRead<Option<UserId>>,
    what: &'static str,
}

impl CreateRight {
    /// Asks the KMS once for this page; `what` names the action, e.g.
    /// "Importing a wrapping key".
    pub fn ask(what: &'static str) -> Self {
        let read = use_kms_read(|client| async move {
            if client.may_create().await? {
                Ok(None)
            } else {
                Ok(Some(client.me().await?))
            }
        });
        Self { read, what }
    }

    /// Why this user may not do it, when the KMS said so (tracked).
    pub fn refusal(&self) -> Option<String> {
        self.read.with(|read| self.refusal_in(read))
    }

    /// The same, read at a click: `Err(refusal)` stops the submission.
    pub fn check(&self) -> Result<(), String> {
        match self.read.with_untracked(|read| self.refusal_in(read)) {
            Some(refusal) => Err(refusal),
            None => Ok(()),
        }
    }

    fn refusal_in(&self, read: &Option<Result<Option<UserId>, String>>) -> Option<String> {
        match read {
            Some(Ok(Some(user))) => Some(create_refusal(user, self.what)),
            _ => None,
        }
    }
}

/// The refusal, shown when the page opens, before anything is typed.
#[component]
pub fn CreateRightNotice(right: CreateRight) -> impl IntoView {
    move || {
        right.refusal().map(|text| {
            view! {
                <div class="notice" role="status" data-testid="create-right">
                    <p>{text}</p>
                </div>
            }
        })
    }
}
