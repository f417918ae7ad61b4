//! One component per page; each page composes shared components and calls
//! the domain and protocol layers, never raw JSON.

mod placeholders;

pub use placeholders::{ByokPage, ExportKeyMaterialPage, ImportKekPage, NotFound};
