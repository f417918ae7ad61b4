//! The AWS wrapping keys already in the KMS, with the algorithm, ARN and import
//! parameters' validity their tags name, or why a tag is not understood.

use leptos::prelude::*;

use crate::actions::objects::{KekListing, StoredKek, list_kek_rows, one_line};
use crate::browser::now_utc;
use crate::components::breakable::breakable;
use crate::components::deferred::{Deferred, split_view};
use crate::components::loaded::{Loaded, use_kms_read};
use crate::components::stacked_table::StackedTable;

/// A table of stored KEKs; `refresh` changes trigger a reload. Its code loads
/// after the page's (a split point of the shipped build): the form above it
/// is usable first.
#[component]
pub fn KekList(
    /// Bump to reload (e.g. after an import).
    #[prop(into)]
    refresh: Signal<u32>,
    /// Receives the KEKs each time the list has loaded (e.g. to spot a repeated import).
    #[prop(optional)]
    on_listed: Option<Callback<Vec<StoredKek>>>,
) -> impl IntoView {
    view! { <Deferred load=kek_list_view(refresh, on_listed) /> }
}

split_view! {
    fn kek_list_view(refresh: Signal<u32>, on_listed: Option<Callback<Vec<StoredKek>>>) {
        view! { <KekListView refresh=refresh on_listed=on_listed /> }.into_any()
    }
}

#[component]
fn KekListView(refresh: Signal<u32>, on_listed: Option<Callback<Vec<StoredKek>>>) -> impl IntoView {
    let keks = use_kms_read(move |client| {
        refresh.track();
        async move { list_kek_rows(&client).await }
    });
    Effect::new(move |_| {
        if let (Some(Ok(listing)), Some(on_listed)) = (keks.get(), on_listed) {
            on_listed.run(listing.keks);
        }
    });
    let show = |listing: KekListing| {
        if listing.keks.is_empty() && listing.gone.is_empty() {
            view! { <p class="muted">"None yet."</p> }.into_any()
        } else {
            view! { <KekTable keks=listing.keks gone=listing.gone /> }.into_any()
        }
    };
    view! {
        <section class="kek-list" aria-labelledby="kek-list-title">
            <h2 id="kek-list-title">"AWS wrapping keys in this KMS"</h2>
            <Loaded read=keks loading="Loading…" ok=show />
        </section>
    }
}

/// The listed KEKs, then the ids deleted between the listing and the describe.
#[component]
fn KekTable(keks: Vec<StoredKek>, gone: Vec<String>) -> impl IntoView {
    let now = now_utc();
    view! {
        <StackedTable headers=&["KMS id", "Wrapping algorithm", "AWS key ARN", "Key", "Import parameters"]>
                    {keks
                        .into_iter()
                        .map(|kek| {
                            let algorithm = match &kek.tags.algorithm {
                                Ok(Some(a)) => a.aws_name().to_owned(),
                                Ok(None) => "not tagged".to_owned(),
                                Err(message) => message.clone(),
                            };
                            let unknown = kek.tags.algorithm.is_err();
                            view! {
                                <tr data-kek-id=kek.attributes.unique_identifier.clone()>
                                    <td data-label="KMS id">{breakable(&kek.attributes.unique_identifier)}</td>
                                    <td data-label="Algorithm" class="algorithm" class:error-text=unknown>
                                        {breakable(&algorithm)}
                                    </td>
                                    <td data-label="AWS key ARN">
                                        {breakable(kek.tags.key_arn.as_deref().unwrap_or("—"))}
                                    </td>
                                    <td data-label="Key">{one_line(&kek.attributes)}</td>
                                    <td data-label="Import parameters" class="validity">
                                        {kek.validity(now).label()}
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                    {gone
                        .into_iter()
                        .map(|id| {
                            view! {
                                <tr data-kek-id=id.clone() class="gone">
                                    <td data-label="KMS id">{breakable(&id)}</td>
                                    <td data-label="Key" colspan="4" class="error-text">
                                        "no longer in the KMS (deleted since it was listed)"
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
        </StackedTable>
    }
}
