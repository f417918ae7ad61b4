//! Choosing the key material to export: type its id, or pick it from a
//! searchable, paged list of every key in the KMS, read only when opened.

use leptos::prelude::*;

use crate::actions::objects::{
    LOCATE_CAP, ObjectPage, exportable_object_ids, one_line, page_of_objects,
};
use crate::browser::to_lowercase;
use crate::components::breakable::breakable;
use crate::components::deferred::{Deferred, split_view};
use crate::components::loaded::Loaded;
use crate::components::stacked_table::StackedTable;
use crate::components::text_field::TextField;
use crate::domain::key_material::KeyMaterialSpec;
use crate::domain::source_key_health::{SourceKeyProblem, source_key_problems};
use crate::kmip::ObjectAttributes;
use crate::settings::use_settings;

const PAGE_SIZE: usize = 10;

/// Whether an object matches what was typed in the search (already lower-cased).
fn matches_search(object: &ObjectAttributes, needle: &str) -> bool {
    needle.is_empty()
        || to_lowercase(&object.unique_identifier).contains(needle)
        || object.tags.iter().any(|t| to_lowercase(t).contains(needle))
        || to_lowercase(&one_line(object)).contains(needle)
        || KeyMaterialSpec::from_attributes(object)
            .is_ok_and(|spec| to_lowercase(&spec.kind_line()).contains(needle))
}

/// The key id field and the browsable list that fills it (the list's code
/// comes after the field is usable: it is read only when opened).
#[component]
pub fn KeyMaterialPicker(
    /// The chosen key id.
    selected: RwSignal<String>,
    /// Bump to read the list again (e.g. a key changed behind the page's back).
    #[prop(into)]
    refresh: Signal<u32>,
) -> impl IntoView {
    // Nothing is read until the person opens the browser (most type or preselect an id).
    let wanted = RwSignal::new(false);
    let on_toggle = move |ev: leptos::ev::Event| {
        let open = ev
            .target()
            .and_then(|t| js_sys::Reflect::get(&t, &"open".into()).ok())
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        if open && !wanted.get_untracked() {
            wanted.set(true);
        }
    };
    view! {
        <label for="key-id">"Key material id"</label>
        <input
            id="key-id"
            type="text"
            spellcheck="false"
            aria-describedby="key-id-hint"
            prop:value=selected
            on:input=move |ev| selected.set(event_target_value(&ev).trim().to_owned())
        />
        <p id="key-id-hint" class="hint">
            "Type the id of the AES, HMAC, RSA or EC private key to export, or choose it below."
        </p>
        <details class="key-browser" on:toggle=on_toggle>
            <summary>"Browse the KMS's keys"</summary>
            <Deferred
                load=key_browser_view(selected, refresh, wanted.into())
                fallback=|| view! { <p class="muted">"Loading…"</p> }
            />
        </details>
    }
}

split_view! {
    fn key_browser_view(selected: RwSignal<String>, refresh: Signal<u32>, wanted: Signal<bool>) {
        view! { <KeyBrowser selected=selected refresh=refresh wanted=wanted /> }.into_any()
    }
}

/// The browser's search, list and pager: every key of the KMS, read once
/// `wanted` (the browser was opened).
#[component]
fn KeyBrowser(
    selected: RwSignal<String>,
    refresh: Signal<u32>,
    wanted: Signal<bool>,
) -> impl IntoView {
    let settings = use_settings();
    let page = RwSignal::new(0_usize);
    let search = RwSignal::new(String::new());
    let ids = LocalResource::new(move || {
        refresh.track();
        let wanted = wanted.get();
        let client = settings.client();
        async move {
            if !wanted {
                return Ok::<_, String>(None);
            }
            let ids = exportable_object_ids(&client?)
                .await
                .map_err(|e| e.to_string())?;
            Ok(Some(ids))
        }
    });
    let rows = LocalResource::new(move || {
        let ids = ids.get();
        let (page, needle) = (page.get(), to_lowercase(search.get().trim()));
        let client = settings.client();
        async move {
            // Not opened yet, or the ids are still on their way.
            let Some(ids) = ids.transpose()?.flatten() else {
                return Ok::<_, String>(None);
            };
            let matching = |o: &ObjectAttributes| matches_search(o, &needle);
            let found = page_of_objects(
                &client?,
                &ids,
                !needle.is_empty(),
                matching,
                page,
                PAGE_SIZE,
            )
            .await
            .map_err(|e| e.to_string())?;
            Ok::<_, String>(Some((found, ids.len())))
        }
    });
    let pages = move || {
        rows.get()
            .and_then(Result::ok)
            .flatten()
            .map(|(found, _)| found.matches.div_ceil(PAGE_SIZE).max(1))
            .unwrap_or(1)
    };
    // `None`: not opened yet, or the ids are still on their way.
    let show = move |rows: Option<(ObjectPage, usize)>| {
        let Some((found, total)) = rows else {
            return view! { <p class="muted">"Loading…"</p> }.into_any();
        };
        let summary = match (search.get_untracked().trim().is_empty(), total) {
            (_, 0) => "The KMS holds no keys yet.".to_owned(),
            (true, n) => format!("{n} objects in the KMS."),
            (false, n) => format!("{} of {n} objects match.", found.matches),
        };
        let capped = (total >= LOCATE_CAP).then_some(
            " The KMS lists at most 1000 objects at a time: type the id of a key that is not listed.",
        );
        view! {
            <p class="muted" role="status">{summary}{capped}</p>
            <KeyTable objects=found.rows selected=selected />
        }
        .into_any()
    };
    // Its own boundary: a search reloading the rows must not send the
    // Deferred's Suspense back to its fallback (the field would lose focus).
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            <TextField
                id="key-search"
                label="Search every key (id, kind, state, tag)"
                value=search
                kind="search"
                on_change=Callback::new(move |()| page.set(0))
            />
            <Loaded read=rows loading="Loading…" ok=show />
            <div class="pager">
                <button
                    type="button"
                    class="secondary"
                    disabled=move || page.get() == 0
                    on:click=move |_| page.update(|p| *p = p.saturating_sub(1))
                >
                    "Previous page"
                </button>
                <span>{move || format!("Page {} of {}", page.get() + 1, pages())}</span>
                <button
                    type="button"
                    class="secondary"
                    disabled=move || { page.get() + 1 >= pages() }
                    on:click=move |_| page.update(|p| *p += 1)
                >
                    "Next page"
                </button>
            </div>
        </Transition>
    }
}

/// "not exportable (Extractable false, …)" when the KMS would refuse every export of it.
fn not_exportable(object: &ObjectAttributes) -> Option<String> {
    source_key_problems(object)
        .into_iter()
        .find(|p| matches!(p, SourceKeyProblem::NotExtractable { .. }))
        .map(|p| format!("not exportable ({})", p.attribute_words()))
}

#[component]
fn KeyTable(objects: Vec<ObjectAttributes>, selected: RwSignal<String>) -> impl IntoView {
    if objects.is_empty() {
        return view! { <p class="muted">"No key matches."</p> }.into_any();
    }
    view! {
        <StackedTable headers=&["Id", "Kind", "State", "Tags", "Choose"]>
                    {objects
                        .into_iter()
                        .map(|object| {
                            let id = object.unique_identifier.clone();
                            let (kind, choice) = match KeyMaterialSpec::from_attributes(&object) {
                                Ok(spec) => (spec.kind_line(), Some(id.clone())),
                                Err(reason) => (reason, object.private_key_link.clone()),
                            };
                            let button_label = match &choice {
                                Some(c) if *c == id => format!("Use {c}"),
                                Some(c) => format!("Use its private key {c}"),
                                None => String::new(),
                            };
                            view! {
                                <tr data-key-id=id.clone()>
                                    <td data-label="Id">{breakable(&id)}</td>
                                    <td data-label="Kind">{breakable(&kind)}</td>
                                    <td data-label="State">
                                        {object.state.as_ref().map(ToString::to_string).unwrap_or_default()}
                                        {not_exportable(&object).map(|words| view! { <br /><span class="error-text">{words}</span> })}
                                    </td>
                                    <td data-label="Tags">{breakable(&object.tags.join(", "))}</td>
                                    <td data-label="Choose">
                                        {choice
                                            .map(|c| {
                                                view! {
                                                    <button
                                                        type="button"
                                                        class="secondary"
                                                        on:click=move |_| selected.set(c.clone())
                                                    >
                                                        {button_label}
                                                    </button>
                                                }
                                            })}
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
        </StackedTable>
    }
    .into_any()
}
