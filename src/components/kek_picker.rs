//! Choosing the AWS wrapping key: the KMS objects tagged `aws`, each with its algorithm, size,
//! ARN and validity; unreadable tags are shown disabled, expired parameters hidden unless asked.

use leptos::prelude::*;

use crate::actions::objects::{KekListing, StoredKek, list_kek_rows};
use crate::browser::now_utc;
use crate::components::loaded::{Loaded, use_kms_read};

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

/// A select of the stored AWS KEKs; those whose import parameters expired are
/// left out (with their count and a toggle), unless chosen already.
#[component]
pub fn KekPicker(
    /// The chosen KEK id.
    selected: RwSignal<String>,
    /// Bump to list the KEKs again (e.g. one changed behind the page's back).
    #[prop(into)]
    refresh: Signal<u32>,
) -> impl IntoView {
    let keks = use_kms_read(move |client| {
        refresh.track();
        async move { list_kek_rows(&client).await }
    });
    let show_expired = RwSignal::new(false);
    let show = move |listing: KekListing| {
        let now = now_utc();
        let current = selected.get_untracked();
        let expired = listing
            .keks
            .iter()
            .filter(|k| k.validity(now).is_expired())
            .count();
        let with_expired = show_expired.get();
        let shown: Vec<StoredKek> = listing
            .keks
            .into_iter()
            .filter(|k| {
                with_expired
                    || !k.validity(now).is_expired()
                    || k.attributes.unique_identifier == current
            })
            .collect();
        let listed = shown
            .iter()
            .any(|k| k.attributes.unique_identifier == current)
            || listing.gone.contains(&current);
        view! {
            <select
                id="kek-id"
                aria-describedby="kek-id-hint"
                prop:value=move || selected.get()
                on:change=move |ev| selected.set(event_target_value(&ev))
            >
                <option value="">"Choose a wrapping key…"</option>
                {(!listed && !current.is_empty())
                    .then(|| {
                        view! {
                            <option value=current.clone()>
                                {format!("{current} (not in the list of AWS wrapping keys)")}
                            </option>
                        }
                    })}
                {shown
                    .iter()
                    .map(|kek| {
                        let validity = kek.validity(now);
                        let usable = matches!(kek.tags.algorithm, Ok(Some(_)));
                        view! {
                            <option
                                value=kek.attributes.unique_identifier.clone()
                                disabled=!usable
                            >
                                {format!("{} · {}", option_label(kek), validity.label())}
                            </option>
                        }
                    })
                    .collect_view()}
                {listing
                    .gone
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
            {(expired > 0)
                .then(|| {
                    let count = if with_expired {
                        format!("{expired} with expired import parameters shown (AWS refuses their token).")
                    } else {
                        format!("{expired} hidden: their import parameters expired (AWS refuses their token).")
                    };
                    view! {
                        <div class="radio-row">
                            <input
                                id="show-expired-keks"
                                type="checkbox"
                                prop:checked=with_expired
                                on:change=move |ev| show_expired.set(event_target_checked(&ev))
                            />
                            <label for="show-expired-keks">"Show expired wrapping keys too"</label>
                        </div>
                        <p class="hint" data-testid="expired-keks">{count}</p>
                    }
                })}
        }
    };
    view! {
        <label for="kek-id">"AWS wrapping key (KEK)"</label>
        <Loaded read=keks loading="Loading wrapping keys…" ok=show />
        <p id="kek-id-hint" class="hint">
            "Keys tagged \"aws\" in this KMS. Import one on the import page first."
        </p>
    }
}
