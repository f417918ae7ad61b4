//! The slow build steps (wasm-opt per module, zopfli per file) remembered by what they
//! were given, so the second bundle of `cargo xtask test` and an unchanged page cost nothing.
//!
//! An entry is the output file named by the SHA-256 of the step's name, its
//! arguments and its input bytes, under target/xtask-cache/; a hit refreshes
//! its time, and entries unused for a week are removed at the next build.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};

use crate::process::{Result, root};

/// Entries not used for this long are removed by [`prune`].
const KEEP_UNUSED: Duration = Duration::from_secs(7 * 24 * 3600);

/// Where the entries live (under target/: `cargo clean` empties it).
fn folder() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
        .join("xtask-cache")
}

/// What `make` returns for `step` and `input` (its arguments in `step`): the
/// remembered bytes when this exact step ran before, else `make`'s, kept.
pub fn remembered(
    step: &str,
    input: &[u8],
    make: impl FnOnce() -> Result<Vec<u8>>,
) -> Result<Vec<u8>> {
    let entry = entry_path(&folder(), step, input);
    if let Ok(bytes) = fs::read(&entry) {
        touch(&entry);
        return Ok(bytes);
    }
    let bytes = make()?;
    store(&entry, &bytes)?;
    Ok(bytes)
}

/// The entry of `step` on `input` in `folder`.
fn entry_path(folder: &Path, step: &str, input: &[u8]) -> PathBuf {
    let mut hash = Sha256::new();
    hash.update((step.len() as u64).to_le_bytes());
    hash.update(step.as_bytes());
    hash.update(input);
    let name: String = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
    folder.join(name)
}

/// Writes the entry whole or not at all (a stopped build leaves no half file).
fn store(entry: &Path, bytes: &[u8]) -> Result {
    let folder = entry.parent().ok_or("a cache entry without a folder")?;
    fs::create_dir_all(folder).map_err(|e| format!("{}: {e}", folder.display()))?;
    let partial = entry.with_extension(format!("part{}", std::process::id()));
    fs::write(&partial, bytes).map_err(|e| format!("{}: {e}", partial.display()))?;
    fs::rename(&partial, entry).map_err(|e| format!("{}: {e}", entry.display()))
}

/// Marks an entry used now (its modification time), so [`prune`] keeps it.
fn touch(entry: &Path) {
    if let Ok(file) = fs::File::options().append(true).open(entry) {
        let _ = file.set_modified(SystemTime::now());
    }
}

/// Removes the entries unused for a week; returns how many.
pub fn prune() -> usize {
    prune_in(&folder(), SystemTime::now())
}

fn prune_in(folder: &Path, now: SystemTime) -> usize {
    let Ok(entries) = fs::read_dir(folder) else {
        return 0;
    };
    entries
        .flatten()
        .filter(|entry| {
            entry
                .metadata()
                .and_then(|meta| meta.modified())
                .is_ok_and(|used| now.duration_since(used).unwrap_or_default() > KEEP_UNUSED)
        })
        .filter(|entry| fs::remove_file(entry.path()).is_ok())
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-cache-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn an_entry_is_named_by_the_step_and_the_input() {
        let dir = scratch("names");
        let a = entry_path(&dir, "wasm-opt -Oz", b"abc");
        assert_eq!(a, entry_path(&dir, "wasm-opt -Oz", b"abc"));
        assert_ne!(a, entry_path(&dir, "wasm-opt -O2", b"abc"));
        assert_ne!(a, entry_path(&dir, "wasm-opt -Oz", b"abd"));
        // The step's length is hashed first: moving bytes across the boundary changes the name.
        assert_ne!(entry_path(&dir, "ab", b"c"), entry_path(&dir, "a", b"bc"));
    }

    #[test]
    fn a_stored_entry_reads_back_and_an_old_one_is_pruned() {
        let dir = scratch("prune");
        let entry = entry_path(&dir, "step", b"in");
        store(&entry, b"out").unwrap();
        assert_eq!(fs::read(&entry).unwrap(), b"out");
        assert_eq!(prune_in(&dir, SystemTime::now()), 0);
        let later = SystemTime::now() + KEEP_UNUSED + Duration::from_secs(60);
        assert_eq!(prune_in(&dir, later), 1);
        assert!(!entry.exists());
        let _ = fs::remove_dir_all(&dir);
    }
}
