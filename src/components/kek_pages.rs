//! The AWS wrapping keys the import page's list and the export page's picker draw: the usable
//! ones a page at a time, searched over all of them, the expired ones one click away.

use leptos::prelude::*;

use crate::actions::objects::{
    ObjectPage, StoredKek, UsableKeys, kek_expired, list_usable, one_line, page_of_objects,
};
use crate::browser::to_lowercase;
use crate::components::text_field::TextField;
use crate::domain::aws::kek_tags::AWS_TAG;
use crate::kmip::ObjectAttributes;
use crate::routes::Page;
use crate::settings::use_settings;

/// Rows (or options) drawn at a time.
pub const PAGE_SIZE: usize = 25;

/// Whether a wrapping key matches what was typed (already lower-cased): its id, a tag (ARN,
/// algorithm, validity) or its one-line description.
fn matches_search(object: &ObjectAttributes, needle: &str) -> bool {
    needle.is_empty()
        || to_lowercase(&object.unique_identifier).contains(needle)
        || object.tags.iter().any(|t| to_lowercase(t).contains(needle))
        || to_lowercase(&one_line(object)).contains(needle)
}

/// A page of wrapping keys, and how many match the search.
pub type KekRows = (Vec<StoredKek>, usize);

/// What a list of wrapping keys shows: the keys as listed, the page, the search, and the rows.
#[derive(Clone, Copy)]
pub struct KekPages {
    /// The keys as listed (`None` until the first step of the listing): those found by their
    /// expiry day first, then with the undated ones and the expired count.
    pub keys: RwSignal<Option<Result<UsableKeys, String>>>,
    pub page: RwSignal<usize>,
    pub search: RwSignal<String>,
    pub with_expired: RwSignal<bool>,
    /// The page's wrapping keys (`None` while the ids are on their way) and how many match.
    pub rows: LocalResource<Result<Option<KekRows>, String>>,
}

/// Lists the AWS wrapping keys again when `refresh` changes (`keep`: an id to describe
/// with the first page, e.g. the one chosen), then each page asked for. The listing is a
/// signal set twice, not a resource: the rows are drawn from its first step without waiting
/// for the second (a Suspense would wait for every resource read under it).
pub fn use_kek_pages(refresh: Signal<u32>, keep: Signal<String>) -> KekPages {
    let settings = use_settings();
    let keys = RwSignal::new(None::<Result<UsableKeys, String>>);
    // The latest listing: an older one still answering must not overwrite it.
    let listing = StoredValue::new(0_u32);
    Effect::new(move |_| {
        refresh.track();
        let keep = keep.get_untracked();
        let client = settings.client();
        listing.update_value(|n| *n += 1);
        let this = listing.get_value();
        let latest = move || listing.try_get_value() == Some(this);
        leptos::task::spawn_local(async move {
            let listed = match client {
                Ok(client) => {
                    list_usable(&client, AWS_TAG, kek_expired, PAGE_SIZE, &keep, |dated| {
                        if latest() {
                            keys.set(Some(Ok(dated)));
                        }
                    })
                    .await
                    .map_err(|e| e.to_string())
                }
                Err(e) => Err(e),
            };
            if latest() {
                keys.set(Some(listed));
            }
        });
    });
    let page = RwSignal::new(0_usize);
    let search = RwSignal::new(String::new());
    let with_expired = RwSignal::new(false);
    let rows = LocalResource::new(move || {
        let keys = keys.get();
        let (page, needle) = (page.get(), to_lowercase(search.get().trim()));
        let with_expired = with_expired.get();
        let client = settings.client();
        async move {
            let Some(keys) = keys.transpose()? else {
                return Ok(None);
            };
            let mut ids = keys.usable;
            if with_expired {
                ids.extend(keys.expired);
                ids.sort_unstable();
            }
            let ObjectPage { rows, matches } = page_of_objects(
                &client?,
                &ids,
                !needle.is_empty(),
                |o| matches_search(o, &needle),
                page,
                PAGE_SIZE,
            )
            .await
            .map_err(|e| e.to_string())?;
            Ok(Some((
                rows.into_iter().map(StoredKek::from).collect(),
                matches,
            )))
        }
    });
    KekPages {
        keys,
        page,
        search,
        with_expired,
        rows,
    }
}

/// "Page 1 of 40" with Previous and Next, when `matches` fill more than one page
/// (drawn with the rows it pages).
#[component]
pub fn KekPager(page: RwSignal<usize>, matches: usize) -> impl IntoView {
    let count = matches.div_ceil(PAGE_SIZE).max(1);
    let current = page.get_untracked();
    (count > 1 || current > 0).then(|| {
        view! {
            <div class="pager">
                <button
                    type="button"
                    class="secondary"
                    disabled=current == 0
                    on:click=move |_| page.update(|p| *p = p.saturating_sub(1))
                >
                    "Previous page"
                </button>
                <span>{format!("Page {} of {count}", current + 1)}</span>
                <button
                    type="button"
                    class="secondary"
                    disabled={current + 1 >= count}
                    on:click=move |_| page.update(|p| *p += 1)
                >
                    "Next page"
                </button>
            </div>
        }
    })
}

/// The search over every usable wrapping key (a new search starts at the first page).
#[component]
pub fn KekSearch(pages: KekPages) -> impl IntoView {
    view! {
        <TextField
            id="kek-search"
            label="Search the wrapping keys (id, ARN, algorithm)"
            value=pages.search
            kind="search"
            on_change=Callback::new(move |()| pages.page.set(0))
        />
    }
}

/// How many keys are usable, how many match the search, and the expired ones one click
/// away ("Show 990 expired wrapping keys") beside the clean-up page's link.
#[component]
pub fn KekSummary(pages: KekPages) -> impl IntoView {
    move || {
        let Some(Ok(keys)) = pages.keys.get() else {
            return ().into_any();
        };
        let matches = pages
            .rows
            .get()
            .and_then(Result::ok)
            .flatten()
            .map(|(_, matches)| matches);
        let with_expired = pages.with_expired.get();
        let listed = keys.usable.len() + if with_expired { keys.expired.len() } else { 0 };
        let searching = !pages.search.get().trim().is_empty();
        let summary = match (searching, matches) {
            (true, Some(n)) => format!("{n} of {listed} wrapping keys match."),
            _ if listed > PAGE_SIZE => {
                format!("{listed} wrapping keys, {PAGE_SIZE} a page: search to find one.")
            }
            _ => String::new(),
        };
        let expired = keys.expired.len();
        let toggle = (expired > 0).then(|| {
            let label = if with_expired {
                format!("Hide the {expired} expired wrapping keys")
            } else {
                format!("Show {expired} expired wrapping keys")
            };
            let note = if with_expired {
                format!("{expired} with expired import parameters shown (AWS refuses their token).")
            } else {
                format!(
                    "{expired} hidden: their import parameters expired (AWS refuses their token)."
                )
            };
            view! {
                <p class="hint" data-testid="expired-keks">{note}</p>
                <p class="expired-keks">
                    <button
                        type="button"
                        class="secondary"
                        on:click=move |_| {
                            pages.page.set(0);
                            pages.with_expired.update(|w| *w = !*w);
                        }
                    >
                        {label}
                    </button>
                    " "
                    <a href=Page::WrappingKeyCleanup.href()>"Clean up old wrapping keys"</a>
                </p>
            }
        });
        let looking = (!keys.complete).then(|| {
            view! {
                <p class="muted" role="status" data-testid="keks-looking">
                    "Also looking for wrapping keys without an expiry day (imported by the Cosmian CLI or an older version)…"
                </p>
            }
        });
        view! {
            {(!summary.is_empty()).then(|| view! { <p class="muted" role="status">{summary}</p> })}
            {looking}
            {toggle}
        }
        .into_any()
    }
}
