//! The navigation bar: one disclosure menu per group (a cloud, the KMS's own keys), so it
//! stays one line however many pages the clouds add (narrow screens: each label's first words).

use leptos::ev::{FocusEvent, KeyboardEvent};
use leptos::html::{Button, Li};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;
use wasm_bindgen::JsCast;

use crate::routes::NavGroup;

/// The bar: a button per group; at most one group's menu open at a time.
#[component]
pub fn AppNav() -> impl IntoView {
    let open = RwSignal::new(None::<NavGroup>);
    let path = use_location().pathname;
    // A followed link closes its menu.
    Effect::new(move |_| {
        path.track();
        open.set(None);
    });
    view! {
        <nav class="app-nav" aria-label="Pages">
            <ul class="nav-groups">
                {NavGroup::ALL.into_iter().map(|group| view! { <NavMenu group=group open=open /> }).collect_view()}
            </ul>
        </nav>
    }
}

/// One group: its button (marked when the current page is in it) and its links.
/// Escape or focus leaving the group closes the menu (WAI-ARIA disclosure navigation).
#[component]
fn NavMenu(group: NavGroup, open: RwSignal<Option<NavGroup>>) -> impl IntoView {
    let path = use_location().pathname;
    let item = NodeRef::<Li>::new();
    let button = NodeRef::<Button>::new();
    let expanded = move || open.get() == Some(group);
    let current = move || {
        let path = path.get();
        group.pages().any(|page| path == page.href())
    };
    let toggle = move |_| open.update(|o| *o = if *o == Some(group) { None } else { Some(group) });
    let on_keydown = move |ev: KeyboardEvent| {
        if ev.key() == "Escape" && open.get_untracked() == Some(group) {
            open.set(None);
            if let Some(button) = button.get_untracked() {
                let _ = button.focus();
            }
        }
    };
    let on_focusout = move |ev: FocusEvent| {
        let inside = ev
            .related_target()
            .and_then(|target| target.dyn_into::<web_sys::Node>().ok())
            .zip(item.get_untracked())
            .is_some_and(|(node, item)| item.contains(Some(&node)));
        if !inside && open.get_untracked() == Some(group) {
            open.set(None);
        }
    };
    view! {
        <li class="nav-group" node_ref=item on:keydown=on_keydown on:focusout=on_focusout>
            <button
                type="button"
                class="nav-toggle"
                class:current=current
                node_ref=button
                aria-expanded=move || expanded().to_string()
                aria-controls=group.menu_id()
                aria-label=group.label()
                on:click=toggle
            >
                // Narrow screens show the first words only (`.nav-label-rest` hidden).
                {group.short_label()}
                <span class="nav-label-rest">{&group.label()[group.short_label().len()..]}</span>
            </button>
            <ul class="nav-menu" id=group.menu_id() hidden=move || !expanded()>
                {group.pages().map(|page| view! { <li><A href=page.href()>{page.label()}</A></li> }).collect_view()}
            </ul>
        </li>
    }
}
