//! Bring your own key to AWS KMS from a Cosmian KMS. Three layers kept apart:
//! `kmip` (wire protocol), `domain` (AWS rules, pure), and the Leptos UI.

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
