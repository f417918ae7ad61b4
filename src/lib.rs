//! Bring your own key to AWS KMS from a Cosmian KMS: a Leptos web UI whose layers each use only
//! those below them, `pages` → `components` → `actions` → `client` → `domain` → `kmip`.

pub mod actions;
pub mod app;
pub mod browser;
pub mod client;
pub mod components;
pub mod domain;
pub mod kmip;
pub mod pages;
pub mod routes;
pub mod session;
pub mod settings;
