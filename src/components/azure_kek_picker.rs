//! Choosing the Azure KEK: the KMS objects tagged `azure`, each with its kid and size; those
//! whose tags give no usable kid are shown disabled, saying why.

use leptos::prelude::*;

use crate::actions::azure::keks::{AzureKekListing, StoredAzureKek, list_azure_keks};
use crate::components::deferred::{Deferred, split_view};
use crate::components::loaded::{Loaded, use_kms_read};

fn option_label(kek: &StoredAzureKek) -> String {
    let id = kek.id();
    let size = kek
        .attributes
        .length_bits
        .map(|b| format!("RSA {b}"))
        .unwrap_or_else(|| "RSA".to_owned());
    match &kek.tags.kid {
        Some(Ok(kid)) => format!("{id} — {size} · {kid}"),
        Some(Err(_)) => format!("{id} — unusable kid tag (cannot be used)"),
        None => format!("{id} — no kid tag (cannot be used)"),
    }
}

/// A select of the stored Azure KEKs: its code, then the list, come after the
/// page's first field is usable.
#[component]
pub fn AzureKekPicker(
    /// The chosen KEK id.
    selected: RwSignal<String>,
    /// Bump to list the KEKs again (e.g. one changed behind the page's back).
    #[prop(into)]
    refresh: Signal<u32>,
) -> impl IntoView {
    view! {
        <label for="azure-kek-id">"Azure key-encryption key (KEK)"</label>
        <Deferred
            load=azure_kek_choices_view(selected, refresh)
            fallback=|| view! { <p class="muted">"Loading Azure KEKs…"</p> }
        />
    }
}

split_view! {
    fn azure_kek_choices_view(selected: RwSignal<String>, refresh: Signal<u32>) {
        // Its own boundary: a list read again must not send the Deferred's
        // Suspense back to its fallback.
        view! {
            <Transition fallback=|| view! { <p class="muted">"Loading Azure KEKs…"</p> }>
                <AzureKekChoices selected=selected refresh=refresh />
            </Transition>
        }
        .into_any()
    }
}

/// The select and its hint, once the list is read.
#[component]
fn AzureKekChoices(
    /// The chosen KEK id.
    selected: RwSignal<String>,
    /// Bump to list the KEKs again (e.g. one changed behind the page's back).
    #[prop(into)]
    refresh: Signal<u32>,
) -> impl IntoView {
    let keks = use_kms_read(move |client| {
        refresh.track();
        async move { list_azure_keks(&client).await }
    });
    let show = move |listing: AzureKekListing| {
        let current = selected.get_untracked();
        let listed =
            listing.keks.iter().any(|k| k.id() == current) || listing.gone.contains(&current);
        view! {
            <select
                id="azure-kek-id"
                aria-describedby="azure-kek-id-hint"
                prop:value=move || selected.get()
                on:change=move |ev| selected.set(event_target_value(&ev))
            >
                <option value="">"Choose an Azure KEK…"</option>
                {(!listed && !current.is_empty())
                    .then(|| {
                        view! {
                            <option value=current.clone()>
                                {format!("{current} (not in the list of Azure KEKs)")}
                            </option>
                        }
                    })}
                {listing
                    .keks
                    .iter()
                    .map(|kek| {
                        let usable = matches!(kek.tags.kid, Some(Ok(_)));
                        view! {
                            <option value=kek.id().to_owned() disabled=!usable>
                                {option_label(kek)}
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
        }
    };
    view! {
        <Loaded read=keks loading="Loading Azure KEKs…" ok=show />
        <p id="azure-kek-id-hint" class="hint">
            "Keys tagged \"azure\" in this KMS (imported on the Azure import page or with ckms azure byok import). The .byok names the kid shown."
        </p>
    }
}
