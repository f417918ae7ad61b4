//! Said before an export: the chosen key is shared with this user without
//! the right to write its attributes, so the copy will not reach the ledger.

use leptos::prelude::*;

use super::deferred::split_view;
use super::loaded::use_kms_read;
use crate::domain::account::unrecorded_export_notice;

split_view! {
    /// [`SharedKeyNotice`] as an export page shows it: under a `Deferred`, its
    /// code fetched once the form is usable (a notice after a key is chosen).
    pub fn shared_key_notice_view(key_id: Signal<String>) {
        // Its own boundary: the read must not hold the Deferred's Suspense.
        view! {
            <Transition fallback=|| ()>
                <SharedKeyNotice key_id=key_id />
            </Transition>
        }
        .into_any()
    }
}

/// A notice for `key_id` when it is shared without attribute writes (the
/// list of shared objects is read once per page).
#[component]
pub fn SharedKeyNotice(#[prop(into)] key_id: Signal<String>) -> impl IntoView {
    let shared = use_kms_read(|client| async move { client.shared_with_me().await });
    let notice = move || {
        let key = key_id.get();
        shared.with(|read| match read {
            Some(Ok(objects)) => objects
                .iter()
                .find(|o| o.object_id == key && !o.may_write_attributes())
                .map(unrecorded_export_notice),
            _ => None,
        })
    };
    move || {
        notice().map(|text| {
            view! {
                <div class="notice" role="status" data-testid="shared-key">
                    <p>{text}</p>
                </div>
            }
        })
    }
}
