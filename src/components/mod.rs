//! Small Leptos components, one concern each, shared by the pages.

pub mod breakable;
pub mod choice_options;
pub mod choice_select;
pub mod clock;
pub mod command_block;
pub mod copy_button;
pub mod deferred;
pub mod download_button;
pub mod error_banner;
pub mod export_result;
pub mod file_drop;
pub mod import_script_download;
pub mod kek_list;
pub mod kek_picker;
pub mod key_material_picker;
pub mod ledger_record;
pub mod loaded;
pub mod radio_row;
pub mod request_progress;
pub mod server_status;
pub mod settings_panel;
pub mod stacked_table;
pub mod submit;
pub mod text_field;
pub mod wrapping_algorithm_picker;
