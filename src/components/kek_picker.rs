//! Choosing the AWS wrapping key: the KMS objects tagged `aws`, each with its
//! algorithm, size and ARN; keys whose tags cannot be read are shown, disabled.

use leptos::prelude::*;

use crate::actions::objects::{StoredKek, list_keks};
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

/// A select of the stored AWS KEKs.
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
        async move { list_keks(&client).await }
    });
    let show = move |list: Vec<StoredKek>| {
        let current = selected.get_untracked();
        let listed = list
            .iter()
            .any(|k| k.attributes.unique_identifier == current);
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
                {list
                    .iter()
                    .map(|kek| {
                        let usable = matches!(kek.tags.algorithm, Ok(Some(_)));
                        view! {
                            <option
                                value=kek.attributes.unique_identifier.clone()
                                disabled=!usable
                            >
                                {option_label(kek)}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
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
