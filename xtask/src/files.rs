//! What several build steps need of a bundle file (its name, SHA-384 integrity, deflate-raw
//! form) and where cargo leaves the wasm: here, so no step imports another for them.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::process::{Result, root};

/// The suffix of the precompressed wasm.
pub const COMPRESSED_SUFFIX: &str = ".deflate";

pub fn file_name(path: &Path) -> String {
    path.file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned()
}

/// `bytes` compressed by zopfli as deflate-raw (what `DecompressionStream`
/// reads), checked to inflate back to the same bytes; remembered (cache.rs).
pub fn deflate_raw(bytes: &[u8]) -> Result<Vec<u8>> {
    crate::cache::remembered("zopfli deflate-raw, 5 iterations", bytes, || {
        zopfli_deflate_raw(bytes)
    })
}

fn zopfli_deflate_raw(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let options = zopfli::Options {
        iteration_count: std::num::NonZeroU64::new(5).expect("nonzero"),
        ..Default::default()
    };
    zopfli::compress(options, zopfli::Format::Deflate, bytes, &mut out)
        .map_err(|e| format!("compressing: {e}"))?;
    let mut back = Vec::with_capacity(bytes.len());
    flate2::read::DeflateDecoder::new(&out[..])
        .read_to_end(&mut back)
        .map_err(|e| format!("the compressed bytes do not inflate: {e}"))?;
    if back != bytes {
        return Err("the compressed bytes inflate to other bytes".to_owned());
    }
    Ok(out)
}

/// `sha384-<base64>` of a file, as `integrity` attributes and `fetch` want it.
pub fn integrity(path: &Path) -> Result<String> {
    use base64::Engine;
    use sha2::Digest;
    let bytes = fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(format!(
        "sha384-{}",
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha384::digest(bytes))
    ))
}

/// The wasm cargo wrote before wasm-bindgen and wasm-opt: it still has its
/// function names.
pub fn named_wasm() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
        .join("wasm32-unknown-unknown")
        .join("release")
        .join("byok-ui.wasm")
}
