//! One component per page; each page composes shared components and calls
//! the domain and protocol layers, never raw JSON.

mod export_key_material;
mod import_kek;
mod placeholders;

pub use export_key_material::ExportKeyMaterialPage;
pub use import_kek::ImportKekPage;
pub use placeholders::{ByokPage, NotFound};
