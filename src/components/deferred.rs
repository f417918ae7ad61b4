//! Code the shipped build loads only when it is first needed: `split_view!`
//! and `split_fn!` mark split points, `Deferred` shows a view once loaded.
//!
//! `cargo xtask build` compiles with `--cfg byok_split` and cuts the wasm at
//! every `split_view!` (leptos' `#[lazy]`, wasm-split); other builds (tests,
//! `trunk serve`) call the same function directly.

use std::future::Future;

use leptos::prelude::*;

/// `fn name(args) { body }` returning `AnyView`, made an `async fn` whose
/// code is its own wasm module in the shipped build (`--cfg byok_split`).
macro_rules! split_view {
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

/// Shows the view `load` resolves to (a `split_view!` call) once its code is
/// there; nothing before (a moment on a fast link).
#[component]
pub fn Deferred<F>(load: F) -> impl IntoView
where
    F: Future<Output = AnyView> + Send + 'static,
{
    view! { <Suspense fallback=|| ()>{Suspend::new(load)}</Suspense> }
}
