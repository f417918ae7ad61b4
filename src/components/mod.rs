//! Small Leptos components, one concern each, shared by the pages.

pub mod error_banner;
pub mod server_status;
pub mod settings_panel;
