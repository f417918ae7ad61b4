//! The navigation bar: one disclosure menu per group (a cloud, the KMS's own
//! keys), so it stays one line at 1280 px however many pages the clouds add;
//! on a narrow screen the groups sit behind one "Menu" button.

use leptos::ev::{FocusEvent, KeyboardEvent};
use leptos::html::{Button, Li};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;
use wasm_bindgen::JsCast;

use crate::routes::NavGroup;

/// The bar: a button per group; at most one group's menu open at a time. On a
/// narrow screen (the stylesheet decides) the groups show under a "Menu" button.
#[component]
pub fn AppNav() -> impl IntoView {
    let open = RwSignal::new(None::<NavGroup>);
    let groups_shown = RwSignal::new(false);
    let path = use_location().pathname;
    let nav = NodeRef::<leptos::html::Nav>::new();
    let menu_button = NodeRef::<Button>::new();
    // A followed link closes its menu.
    Effect::new(move |_| {
        path.track();
        open.set(None);
        groups_shown.set(false);
    });
    // Escape with no group open closes the narrow screen's menu, focus back on its button.
    let on_keydown = move |ev: KeyboardEvent| {
        if ev.key() == "Escape" && open.get_untracked().is_none() && groups_shown.get_untracked() {
            groups_shown.set(false);
            if let Some(button) = menu_button.get_untracked() {
                let _ = button.focus();
            }
        }
    };
    let on_focusout = move |ev: FocusEvent| {
        if !focus_stays_in(&ev, nav.get_untracked().map(Into::into)) {
            groups_shown.set(false);
        }
    };
    view! {
        <nav class="app-nav" aria-label="Pages" node_ref=nav on:keydown=on_keydown on:focusout=on_focusout>
            <button
                type="button"
                class="nav-all-toggle"
                node_ref=menu_button
                aria-expanded=move || groups_shown.get().to_string()
                aria-controls="nav-groups"
                on:click=move |_| groups_shown.update(|shown| *shown = !*shown)
            >
                "Menu"
            </button>
            <ul class="nav-groups" id="nav-groups" class:shown=move || groups_shown.get()>
                {NavGroup::ALL.into_iter().map(|group| view! { <NavMenu group=group open=open /> }).collect_view()}
            </ul>
        </nav>
    }
}

/// Whether the focus an event moves goes to a node inside `container`.
fn focus_stays_in(ev: &FocusEvent, container: Option<web_sys::Element>) -> bool {
    ev.related_target()
        .and_then(|target| target.dyn_into::<web_sys::Node>().ok())
        .zip(container)
        .is_some_and(|(node, container)| container.contains(Some(&node)))
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
            // Only this group closes: the bar's own Escape (closing "Menu") must not see it.
            ev.stop_propagation();
            open.set(None);
            if let Some(button) = button.get_untracked() {
                let _ = button.focus();
            }
        }
    };
    let on_focusout = move |ev: FocusEvent| {
        let inside = focus_stays_in(&ev, item.get_untracked().map(Into::into));
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
                on:click=toggle
            >
                {group.label()}
            </button>
            <ul class="nav-menu" id=group.menu_id() hidden=move || !expanded()>
                {group.pages().map(|page| view! { <li><A href=page.href()>{page.label()}</A></li> }).collect_view()}
            </ul>
        </li>
    }
}
