//! The AWS wrapping keys already in the KMS that can still be used, with the algorithm, ARN
//! and import parameters' validity their tags name, or why a tag is not understood.

use leptos::prelude::*;

use crate::actions::objects::{StoredKek, one_line};
use crate::browser::now_utc;
use crate::components::breakable::breakable;
use crate::components::deferred::{Deferred, split_view};
use crate::components::kek_pages::{KekPager, KekSearch, KekSummary, use_kek_pages};
use crate::components::loaded::Loaded;
use crate::components::stacked_table::StackedTable;

/// A table of stored KEKs, the usable ones a page at a time (the expired ones one click
/// away); `refresh` changes trigger a reload. Its code loads after the page's (a split
/// point of the shipped build): the form above it is usable first.
#[component]
pub fn KekList(
    /// Bump to reload (e.g. after an import).
    #[prop(into)]
    refresh: Signal<u32>,
) -> impl IntoView {
    view! { <Deferred load=kek_list_view(refresh) /> }
}

split_view! {
    fn kek_list_view(refresh: Signal<u32>) {
        view! { <KekListView refresh=refresh /> }.into_any()
    }
}

#[component]
fn KekListView(refresh: Signal<u32>) -> impl IntoView {
    let pages = use_kek_pages(refresh, Signal::stored(String::new()));
    let gone = move || {
        pages
            .keys
            .get()
            .and_then(Result::ok)
            .map(|keys| keys.gone)
            .unwrap_or_default()
    };
    let show = move |rows: Option<(Vec<StoredKek>, usize)>| {
        let Some((keks, matches)) = rows else {
            return view! { <p class="muted">"Loading…"</p> }.into_any();
        };
        let gone = gone();
        let listed = pages.keys.get_untracked().and_then(Result::ok);
        let complete = listed.as_ref().is_some_and(|k| k.complete);
        let nothing = listed.is_some_and(|k| {
            k.complete && k.usable.is_empty() && k.expired.is_empty() && k.gone.is_empty()
        });
        if nothing {
            view! { <p class="muted">"None yet."</p> }.into_any()
        } else if keks.is_empty() && gone.is_empty() && !complete {
            // Still looking (the summary's status says so): "no match" would not be true yet.
            ().into_any()
        } else if keks.is_empty() && gone.is_empty() {
            view! { <p class="muted">"No usable wrapping key matches."</p> }.into_any()
        } else {
            view! {
                <KekTable keks=keks gone=gone />
                <KekPager page=pages.page matches=matches />
            }
            .into_any()
        }
    };
    view! {
        <section class="kek-list" aria-labelledby="kek-list-title">
            <h2 id="kek-list-title">"AWS wrapping keys in this KMS"</h2>
            // Its own boundary: a search reloading the rows must not send the
            // Deferred's Suspense back to its fallback (the field would be drawn
            // again and lose the keys typed next).
            <Transition fallback=|| ()>
                <KekSearch pages=pages />
                <KekSummary pages=pages />
                <Loaded read=pages.rows loading="Loading…" ok=show />
            </Transition>
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
