//! Code the shipped build loads only when it is first needed: `split_view!`
//! and `split_fn!` mark split points, `Deferred` shows a view once loaded.
//!
//! `cargo xtask build` compiles with `--cfg byok_split` and cuts the wasm at
//! every `split_view!` (leptos' `#[lazy]`, wasm-split); other builds (tests,
//! `trunk serve`) call the same function directly.

use std::cell::Cell;
use std::future::Future;

use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;

/// `fn name(args) { body }` returning `AnyView`, made an `async fn` whose
/// code is its own wasm module in the shipped build (`--cfg byok_split`).
macro_rules! split_view {
    (prefetch $pvis:vis $alias:ident = $preload:ident; $($rest:tt)*) => {
        $crate::components::deferred::split_view! { $($rest)* }
        $crate::components::deferred::prefetch_fn! { $pvis $alias = $preload }
    };
    ($(#[$meta:meta])* $vis:vis fn $name:ident($($arg:ident: $ty:ty),* $(,)?) $body:block) => {
        $(#[$meta])*
        #[cfg(byok_split)]
        #[leptos::lazy]
        $vis fn $name($($arg: $ty),*) -> ::leptos::prelude::AnyView $body

        $(#[$meta])*
        #[cfg(not(byok_split))]
        $vis async fn $name($($arg: $ty),*) -> ::leptos::prelude::AnyView $body
    };
}
pub(crate) use split_view;

/// `async fn name(args) -> T { body }` whose code is its own wasm module in
/// the shipped build: an action's work, loaded when it is first clicked.
macro_rules! split_fn {
    (prefetch $pvis:vis $alias:ident = $preload:ident; $($rest:tt)*) => {
        $crate::components::deferred::split_fn! { $($rest)* }
        $crate::components::deferred::prefetch_fn! { $pvis $alias = $preload }
    };
    ($(#[$meta:meta])* $vis:vis async fn $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty $body:block) => {
        $(#[$meta])*
        #[cfg(byok_split)]
        #[leptos::lazy]
        $vis async fn $name($($arg: $ty),*) -> $ret $body

        $(#[$meta])*
        #[cfg(not(byok_split))]
        $vis async fn $name($($arg: $ty),*) -> $ret $body
    };
}
pub(crate) use split_fn;

/// `alias = __preload_<name>`: an `async fn alias()` that fetches a split
/// point's code without running it (the function leptos' `#[lazy]` makes for
/// `<name>`; a wrong name does not compile in the shipped build), and does
/// nothing in other builds. Written by `split_view!`/`split_fn!` given
/// `prefetch alias = __preload_<name>;` first.
macro_rules! prefetch_fn {
    ($vis:vis $alias:ident = $preload:ident) => {
        /// Fetches this split point's code now, so the click that needs it
        /// does not wait for it (see `prefetch`).
        $vis async fn $alias() {
            #[cfg(byok_split)]
            $preload().await;
        }
    };
}
pub(crate) use prefetch_fn;

/// Fetches, once the page is shown, the code its buttons will need (the
/// `prefetch` functions of their split points), after the page's own
/// deferred views have arrived so they keep the link to themselves: a click
/// then waits for the KMS, not for code. A failed fetch shows the same
/// message as a failed page load (the code on the server changed).
pub fn prefetch<F>(loads: F)
where
    F: Future<Output = ()> + 'static,
{
    leptos::task::spawn_local(async move {
        // Once the page has rendered, its deferred views are all counted.
        TimeoutFuture::new(0).await;
        while DEFERRED_LOADING.get() > 0 {
            TimeoutFuture::new(50).await;
        }
        loads.await;
    });
}

thread_local! {
    /// How many `Deferred` views are waiting for their code.
    static DEFERRED_LOADING: Cell<u32> = const { Cell::new(0) };
}

/// Counts one `Deferred` view as loading while it lives.
struct Loading;

impl Loading {
    fn start() -> Self {
        DEFERRED_LOADING.set(DEFERRED_LOADING.get() + 1);
        Self
    }
}

impl Drop for Loading {
    fn drop(&mut self) {
        DEFERRED_LOADING.set(DEFERRED_LOADING.get().saturating_sub(1));
    }
}

/// Shows the view `load` resolves to (a `split_view!` call) once its code is
/// there; `fallback` before (nothing unless given: a moment on a fast link).
#[component]
pub fn Deferred<F>(
    load: F,
    /// Shown while the code is on its way, e.g. the loading line of a read
    /// that started before it.
    #[prop(optional, into)]
    fallback: ViewFnOnce,
) -> impl IntoView
where
    F: Future<Output = AnyView> + Send + 'static,
{
    let loading = Loading::start();
    let load = async move {
        let view = load.await;
        drop(loading);
        view
    };
    view! { <Suspense fallback=fallback>{Suspend::new(load)}</Suspense> }
}
