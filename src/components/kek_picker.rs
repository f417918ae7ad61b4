//! Choosing the AWS wrapping key: the KMS objects tagged `aws`, each with its algorithm, size,
//! ARN and validity, a page at a time; unreadable tags shown disabled, expired ones one click away.

use leptos::prelude::*;

use crate::actions::objects::{StoredKek, as_listed};
use crate::browser::now_utc;
use crate::components::deferred::{Deferred, split_view};
use crate::components::kek_pages::{KekPager, KekSearch, KekSummary, PAGE_SIZE, use_kek_pages};
use crate::components::loaded::Loaded;
use crate::settings::use_settings;

fn option_label(kek: &StoredKek) -> String {
    let id = &kek.attributes.unique_identifier;
    let size = kek
        .attributes
        .length_bits
        .map(|b| format!("RSA {b}"))
        .unwrap_or_else(|| "RSA".to_owned());
    let arn = kek.tags.key_arn.as_deref().unwrap_or("no ARN");
    match &kek.tags.algorithm {
        Ok(Some(algorithm)) => format!("{id} — {algorithm} · {size} · {arn}"),
        Ok(None) => format!("{id} — no wrapping_algorithm tag (cannot be used)"),
        Err(_) => format!("{id} — unknown wrapping algorithm tag (cannot be used)"),
    }
}

/// A select of the stored AWS KEKs that can still be used, a page at a time with a search
/// over all of them; those whose import parameters expired are one click away, and the
/// chosen one is always an option.
///
/// The list and its code come after the page's first field is usable: the
/// code is fetched with the page, and the KMS read as soon as it is there.
#[component]
pub fn KekPicker(
    /// The chosen KEK id.
    selected: RwSignal<String>,
    /// Bump to list the KEKs again (e.g. one changed behind the page's back).
    #[prop(into)]
    refresh: Signal<u32>,
) -> impl IntoView {
    view! {
        <label for="kek-id">"AWS wrapping key (KEK)"</label>
        <Deferred
            load=kek_choices_view(selected, refresh)
            fallback=|| view! { <p class="muted">{LOADING}</p> }
        />
    }
}

/// While the wrapping keys (or the code listing them) are on their way.
const LOADING: &str = "Loading wrapping keys…";

split_view! {
    fn kek_choices_view(selected: RwSignal<String>, refresh: Signal<u32>) {
        // Its own boundary: a search or a page reloading the rows must not
        // send the Deferred's Suspense back to its fallback.
        view! {
            <Transition fallback=|| view! { <p class="muted">{LOADING}</p> }>
                <KekChoices selected=selected refresh=refresh />
            </Transition>
        }
        .into_any()
    }
}

/// The select, its pager, the summary and the search.
#[component]
fn KekChoices(selected: RwSignal<String>, refresh: Signal<u32>) -> impl IntoView {
    let pages = use_kek_pages(refresh, selected.into());
    let settings = use_settings();
    let show = move |rows: Option<(Vec<StoredKek>, usize)>| {
        let Some((shown, matches)) = rows else {
            return view! { <p class="muted">{LOADING}</p> }.into_any();
        };
        let now = now_utc();
        let current = selected.get_untracked();
        let (gone, complete) = pages
            .keys
            .get_untracked()
            .and_then(Result::ok)
            .map(|keys| (keys.gone, keys.complete))
            .unwrap_or_default();
        // The chosen key, when it is not on this page: as the list described it, if it did.
        let chosen = (!current.is_empty()
            && !shown
                .iter()
                .any(|k| k.attributes.unique_identifier == current)
            && !gone.contains(&current))
        .then(|| {
            settings
                .client()
                .ok()
                .and_then(|client| as_listed(&client, &current))
                .map(StoredKek::from)
        });
        view! {
            <select
                id="kek-id"
                aria-describedby="kek-id-hint"
                prop:value=move || selected.get()
                on:change=move |ev| selected.set(event_target_value(&ev))
            >
                <option value="">"Choose a wrapping key…"</option>
                {chosen
                    .map(|described| match described {
                        Some(kek) => kek_option(&kek, now).into_any(),
                        None => {
                            let why = if complete {
                                "not in the list of AWS wrapping keys"
                            } else {
                                "still being looked for"
                            };
                            view! { <option value=current.clone()>{format!("{current} ({why})")}</option> }
                                .into_any()
                        }
                    })}
                {shown.iter().map(|kek| kek_option(kek, now)).collect_view()}
                {gone
                    .iter()
                    .map(|id| {
                        view! {
                            <option value=id.clone() disabled=true>
                                {format!("{id} — no longer in the KMS")}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <KekPager page=pages.page matches=matches />
        }
        .into_any()
    };
    view! {
        <Loaded read=pages.rows loading=LOADING ok=show />
        <p id="kek-id-hint" class="hint">
            "Keys tagged \"aws\" in this KMS whose import parameters can still be used. Import one on the import page first."
        </p>
        <KekSummary pages=pages />
        <Show when=move || {
            pages.keys.get().and_then(Result::ok).is_some_and(|k| k.usable.len() + k.expired.len() > PAGE_SIZE)
        }>
            <KekSearch pages=pages />
        </Show>
    }
}

/// One wrapping key as an option: disabled when its algorithm tag cannot be used.
fn kek_option(kek: &StoredKek, now: time::OffsetDateTime) -> impl IntoView + use<> {
    let usable = matches!(kek.tags.algorithm, Ok(Some(_)));
    view! {
        <option value=kek.attributes.unique_identifier.clone() disabled=!usable>
            {format!("{} · {}", option_label(kek), kek.validity(now).label())}
        </option>
    }
}
