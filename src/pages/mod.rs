//! One component per page; each page composes shared components and calls
//! the domain and protocol layers, never raw JSON.

mod import_kek;
mod placeholders;

pub use import_kek::ImportKekPage;
pub use placeholders::{ByokPage, ExportKeyMaterialPage, NotFound};
