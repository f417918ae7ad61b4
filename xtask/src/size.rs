//! `cargo xtask size`: what a first load of each page downloads from a server
//! that sends files as they are, then which crates and modules fill the wasm.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use crate::files::{COMPRESSED_SUFFIX, named_wasm};
use crate::process::Result;

/// Bytes over the wire on a first load of each page of `dist` (its
/// index.html and every file that page names: CSS, icon, JS, the main wasm and
/// the page's own pack), then the wasm's contributors.
pub fn report(dist: &Path) -> Result {
    let pages = first_loads(dist)?;
    let (largest_page, largest) = pages
        .iter()
        .map(|(page, files)| (page, files.iter().map(|(_, bytes)| bytes).sum::<usize>()))
        .max_by_key(|(_, total)| *total)
        .ok_or("no index.html in the bundle")?;
    println!(
        "bytes over the wire on a first load: {largest} ({:.0} KB; the largest page, {largest_page}; served as on disk, no Content-Encoding) from {}",
        largest as f64 / 1000.0,
        dist.display()
    );
    for (page, files) in &pages {
        let total: usize = files.iter().map(|(_, bytes)| bytes).sum();
        println!("  {total:>10}  {page}");
    }
    let (top, files) = &pages[0];
    println!("  {top}'s files:");
    for (name, bytes) in files {
        let note = if name.ends_with(COMPRESSED_SUFFIX) || name.ends_with(".pack") {
            " (deflate-raw; the browser inflates it)"
        } else {
            ""
        };
        println!("  {bytes:>10}  {name}{note}");
    }
    let all: usize = bundle_files(dist)?.iter().map(|(_, bytes)| bytes).sum();
    println!("  {all:>10}  all files of the bundle (the rest load when a view needs them)");
    contributors()
}

/// Files by name with their sizes in bytes.
type Files = Vec<(String, usize)>;

/// Per page (index.html at the top, then every route folder's), the files
/// a first load fetches: the page itself and every bundle file it names.
fn first_loads(dist: &Path) -> Result<Vec<(String, Files)>> {
    let files = bundle_files(dist)?;
    let mut pages = Vec::new();
    let mut folders = vec![String::new()];
    folders.extend(route_pages(dist, dist)?);
    for folder in folders {
        let index = dist.join(&folder).join("index.html");
        let html = fs::read_to_string(&index).map_err(|e| format!("{}: {e}", index.display()))?;
        let mut loaded = vec![("index.html".to_owned(), html.len())];
        loaded.extend(
            files
                .iter()
                .filter(|(name, _)| name != "index.html" && html.contains(&format!("/{name}\"")))
                .cloned(),
        );
        pages.push((format!("/{folder}"), loaded));
    }
    Ok(pages)
}

/// The folders below `dir` that hold an index.html, relative to `dist`.
fn route_pages(dist: &Path, dir: &Path) -> Result<Vec<String>> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            if path.join("index.html").is_file() {
                let relative = path.strip_prefix(dist).unwrap_or(&path);
                found.push(relative.to_string_lossy().into_owned());
            }
            found.extend(route_pages(dist, &path)?);
        }
    }
    found.sort();
    Ok(found)
}

/// Every file directly in `dist` (route folders hold copies of index.html,
/// fetched instead of it on a deep link), by name.
fn bundle_files(dist: &Path) -> Result<Vec<(String, usize)>> {
    let entries = fs::read_dir(dist).map_err(|e| {
        format!(
            "no bundle at {} ({e}): run `cargo xtask build`",
            dist.display()
        )
    })?;
    let mut files: Vec<(String, usize)> = entries
        .flatten()
        .filter(|entry| entry.path().is_file())
        .filter_map(|entry| {
            let bytes = entry.metadata().ok()?.len() as usize;
            Some((entry.file_name().to_string_lossy().into_owned(), bytes))
        })
        .collect();
    files.sort();
    Ok(files)
}

/// Prints the largest crates and the largest modules of our own code.
fn contributors() -> Result {
    let path = named_wasm();
    let bytes = fs::read(&path)
        .map_err(|e| format!("{} ({e}): run `cargo xtask build`", path.display()))?;
    let functions = function_sizes(&bytes)?;
    let code: usize = functions.iter().map(|(_, size)| size).sum();
    let mut crates = BTreeMap::<String, usize>::new();
    let mut ours = BTreeMap::<String, usize>::new();
    for (name, size) in &functions {
        let name = rustc_demangle::demangle(name).to_string();
        let owner = crate_of(&name);
        if owner == "byok_ui" {
            *ours.entry(module_of(&name)).or_default() += size;
        }
        *crates.entry(owner).or_default() += size;
    }
    println!(
        "largest wasm contributors (function bodies before wasm-opt, {} functions, {code} bytes; shares hold after it):",
        functions.len()
    );
    print_top("crate", crates, code, 15);
    print_top("our module", ours, code, 15);
    Ok(())
}

fn print_top(what: &str, sizes: BTreeMap<String, usize>, total: usize, count: usize) {
    let mut sizes: Vec<(String, usize)> = sizes.into_iter().collect();
    sizes.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    println!("  {:>10} {:>6}  {what}", "bytes", "share");
    for (name, size) in sizes.into_iter().take(count) {
        println!(
            "  {size:>10} {:>5.1}%  {name}",
            size as f64 * 100.0 / total.max(1) as f64
        );
    }
}

/// The crate a demangled function belongs to: the first path of its name
/// (`<tachys::html::X as Y>::f` → `tachys`, `core::ptr::drop_in_place<…>` → `core`);
/// a blanket impl on a bare type parameter goes to its trait's crate
/// (`<T as tachys::view::IntoAny>::into_any` → `tachys`).
fn crate_of(name: &str) -> String {
    let first = first_path(name);
    match name.split_once(" as ") {
        Some((_, trait_path)) if first.chars().next().is_some_and(char::is_uppercase) => {
            first_path(trait_path)
        }
        _ => first,
    }
}

fn first_path(name: &str) -> String {
    let name = name.trim_start_matches(['<', '&', '*', '(', '[']);
    let name = name
        .strip_prefix("mut ")
        .or_else(|| name.strip_prefix("dyn "))
        .or_else(|| name.strip_prefix("const "))
        .unwrap_or(name);
    let end = name
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(name.len());
    match &name[..end] {
        "" => "(other)".to_owned(),
        owner => owner.to_owned(),
    }
}

/// `byok_ui::pages::ledger::…` → `byok_ui::pages::ledger`.
fn module_of(name: &str) -> String {
    let name = name.trim_start_matches(['<', '&']);
    let path: Vec<&str> = name
        .split("::")
        .take(3)
        .map(|part| part.split([' ', '<', '{']).next().unwrap_or(part))
        .collect();
    path.join("::")
}

/// (name, body bytes) of every function defined in a wasm module, names from
/// its `name` section (functions without one are `fn#<index>`).
fn function_sizes(wasm: &[u8]) -> Result<Vec<(String, usize)>> {
    if wasm.get(..4) != Some(b"\0asm") {
        return Err("not a wasm module".to_owned());
    }
    let mut reader = Reader { bytes: wasm, at: 8 };
    let (mut imported, mut bodies, mut names) = (0, Vec::new(), BTreeMap::new());
    while reader.at < wasm.len() {
        let id = reader.byte()?;
        let size = reader.leb()?;
        let end = reader.at + size;
        let mut section = Reader {
            bytes: wasm.get(..end).ok_or("truncated section")?,
            at: reader.at,
        };
        match id {
            2 => imported = imported_functions(&mut section)?,
            10 => {
                for _ in 0..section.leb()? {
                    let body = section.leb()?;
                    bodies.push(body);
                    section.at += body;
                }
            }
            0 if section.name()? == "name" => {
                while section.at < end {
                    let kind = section.byte()?;
                    let length = section.leb()?;
                    let next = section.at + length;
                    if kind == 1 {
                        for _ in 0..section.leb()? {
                            let index = section.leb()?;
                            names.insert(index, section.name()?);
                        }
                    }
                    section.at = next;
                }
            }
            _ => {}
        }
        reader.at = end;
    }
    Ok(bodies
        .into_iter()
        .enumerate()
        .map(|(i, size)| {
            let index = i + imported;
            let name = names
                .remove(&index)
                .unwrap_or_else(|| format!("fn#{index}"));
            (name, size)
        })
        .collect())
}

/// How many functions the import section brings in (they come first in the
/// function index space).
fn imported_functions(section: &mut Reader) -> Result<usize> {
    let mut functions = 0;
    for _ in 0..section.leb()? {
        section.name()?;
        section.name()?;
        match section.byte()? {
            0 => {
                section.leb()?;
                functions += 1;
            }
            1 => {
                section.byte()?;
                limits(section)?;
            }
            2 => limits(section)?,
            3 => section.at += 2,
            4 => {
                section.byte()?;
                section.leb()?;
            }
            kind => return Err(format!("unknown import kind {kind}")),
        }
    }
    Ok(functions)
}

fn limits(section: &mut Reader) -> Result {
    let flags = section.byte()?;
    section.leb()?;
    if flags & 1 == 1 {
        section.leb()?;
    }
    Ok(())
}

/// A cursor over a wasm module's bytes.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Result<u8> {
        let byte = *self.bytes.get(self.at).ok_or("truncated wasm")?;
        self.at += 1;
        Ok(byte)
    }

    /// An unsigned LEB128 number.
    fn leb(&mut self) -> Result<usize> {
        let (mut value, mut shift) = (0_usize, 0);
        loop {
            let byte = self.byte()?;
            value |= usize::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return Ok(value);
            }
            shift += 7;
            if shift > 63 {
                return Err("bad LEB128 number in the wasm".to_owned());
            }
        }
    }

    fn name(&mut self) -> Result<String> {
        let length = self.leb()?;
        let text = self
            .bytes
            .get(self.at..self.at + length)
            .ok_or("truncated name")?;
        self.at += length;
        Ok(String::from_utf8_lossy(text).into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn functions_are_named_and_sized_past_the_imports() {
        // (import "m" "f" (func)) (func $a) (func $b with a 3-byte body)
        let wasm: Vec<u8> = [
            &b"\0asm\x01\0\0\0"[..],
            &[1, 4, 1, 0x60, 0, 0],                 // type section: () -> ()
            &[2, 7, 1, 1, b'm', 1, b'f', 0, 0],     // import section: one function
            &[3, 3, 2, 0, 0],                       // two functions
            &[10, 8, 2, 2, 0, 0x0b, 3, 0, 1, 0x0b], // bodies of 2 and 3 bytes
            &[
                0, 14, 4, b'n', b'a', b'm', b'e', 1, 7, 2, 1, 1, b'a', 2, 1, b'b',
            ],
        ]
        .concat();
        assert_eq!(
            function_sizes(&wasm).unwrap(),
            vec![("a".to_owned(), 2), ("b".to_owned(), 3)]
        );
        assert!(function_sizes(b"nope").is_err());
    }

    #[test]
    fn names_go_to_their_crate_and_our_module() {
        assert_eq!(
            crate_of("<tachys::html::X as core::fmt::Debug>::fmt"),
            "tachys"
        );
        assert_eq!(
            crate_of("core::ptr::drop_in_place<alloc::string::String>"),
            "core"
        );
        assert_eq!(
            crate_of("<&mut serde_json::de::Deserializer<R>>::f"),
            "serde_json"
        );
        assert_eq!(crate_of("<dyn core::any::Any>::is"), "core");
        assert_eq!(crate_of("<T as tachys::view::IntoAny>::into_any"), "tachys");
        assert_eq!(
            crate_of("<Match as leptos_router::nested_router::AddNestedRoute>::build"),
            "leptos_router"
        );
        assert_eq!(
            module_of("byok_ui::pages::ledger::__component_ledger_page::{{closure}}"),
            "byok_ui::pages::ledger"
        );
        assert_eq!(module_of("byok_ui::main"), "byok_ui::main");
    }
}
