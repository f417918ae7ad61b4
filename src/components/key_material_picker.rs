//! Choosing the key material to export: type its id, or pick it from a
//! searchable, paged list of the KMS's keys that says what each one is.

use leptos::prelude::*;

use crate::actions::objects::{list_objects, one_line};
use crate::browser::to_lowercase;
use crate::components::error_banner::ErrorBanner;
use crate::components::text_field::TextField;
use crate::domain::key_material::KeyMaterialSpec;
use crate::kmip::ObjectAttributes;
use crate::settings::use_settings;

const PAGE_SIZE: u32 = 10;

/// The key id field and the browsable list that fills it.
#[component]
pub fn KeyMaterialPicker(
    /// The chosen key id.
    selected: RwSignal<String>,
) -> impl IntoView {
    let settings = use_settings();
    let page = RwSignal::new(0_u32);
    let search = RwSignal::new(String::new());
    let objects = LocalResource::new(move || {
        let page = page.get();
        let client = settings.client();
        async move {
            let client = client?;
            list_objects(&client, page, PAGE_SIZE)
                .await
                .map_err(|e| e.to_string())
        }
    });
    let rows = move || {
        objects.get().map(|loaded| {
            loaded.map(|list| {
                let needle = to_lowercase(&search.get());
                list.into_iter()
                    .filter(|o| {
                        needle.is_empty()
                            || to_lowercase(&o.unique_identifier).contains(&needle)
                            || o.tags.iter().any(|t| to_lowercase(t).contains(&needle))
                            || to_lowercase(&one_line(o)).contains(&needle)
                    })
                    .collect::<Vec<_>>()
            })
        })
    };
    let full_page = move || {
        objects
            .get()
            .and_then(Result::ok)
            .is_some_and(|l| l.len() as u32 == PAGE_SIZE)
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
        <details class="key-browser">
            <summary>"Browse the KMS's keys"</summary>
            <TextField id="key-search" label="Search this page (id, kind, tag)" value=search kind="search" />
            {move || match rows() {
                None => view! { <p class="muted">"Loading…"</p> }.into_any(),
                Some(Err(message)) => {
                    view! { <ErrorBanner message=Signal::derive(move || Some(message.clone())) /> }
                        .into_any()
                }
                Some(Ok(list)) => view! { <KeyTable objects=list selected=selected /> }.into_any(),
            }}
            <div class="pager">
                <button
                    type="button"
                    class="secondary"
                    disabled=move || page.get() == 0
                    on:click=move |_| page.update(|p| *p = p.saturating_sub(1))
                >
                    "Previous page"
                </button>
                <span>{move || format!("Page {}", page.get() + 1)}</span>
                <button
                    type="button"
                    class="secondary"
                    disabled=move || !full_page()
                    on:click=move |_| page.update(|p| *p += 1)
                >
                    "Next page"
                </button>
            </div>
        </details>
    }
}

#[component]
fn KeyTable(objects: Vec<ObjectAttributes>, selected: RwSignal<String>) -> impl IntoView {
    if objects.is_empty() {
        return view! { <p class="muted">"No keys on this page."</p> }.into_any();
    }
    view! {
        <div class="table-scroll">
            <table>
                <thead>
                    <tr>
                        <th scope="col">"Id"</th>
                        <th scope="col">"Kind"</th>
                        <th scope="col">"State"</th>
                        <th scope="col">"Tags"</th>
                        <th scope="col">"Choose"</th>
                    </tr>
                </thead>
                <tbody>
                    {objects
                        .into_iter()
                        .map(|object| {
                            let id = object.unique_identifier.clone();
                            let (kind, choice) = match KeyMaterialSpec::from_attributes(&object) {
                                Ok(spec) => (format!("{spec} ({})", spec.aws_spec()), Some(id.clone())),
                                Err(reason) => (reason, object.private_key_link.clone()),
                            };
                            let button_label = match &choice {
                                Some(c) if *c == id => format!("Use {c}"),
                                Some(c) => format!("Use its private key {c}"),
                                None => String::new(),
                            };
                            view! {
                                <tr data-key-id=id.clone()>
                                    <td>{id.clone()}</td>
                                    <td>{kind}</td>
                                    <td>{object.state.clone().unwrap_or_default()}</td>
                                    <td>{object.tags.join(", ")}</td>
                                    <td>
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
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
