//! Every page in its own wasm files, so a first load fetches one page's code:
//! the wasm cargo built with `--cfg byok_split` is cut at each page (wasm-split).
//!
//! wasm-split writes the main module, one module per page (`split_<view>`) and
//! chunks shared by several pages, plus a JS link module that instantiates them
//! on demand. Here the main module goes through wasm-bindgen and wasm-opt like
//! Trunk's, every other module through wasm-opt, and each page's modules
//! (its own and the chunks it needs) become one zopfli pack with an index, and
//! each module a zopfli file of its own; the link module is given
//! split_loader.js, which fetches a pack (or the few modules missing) with
//! their integrity and hands each module its bytes.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

use wasm_split_cli_support::SplitWasm;

use crate::files::{COMPRESSED_SUFFIX, deflate_raw, file_name, integrity};
use crate::pages::page_splits;
use crate::process::{Result, command, run_step};

/// The link module's loader: `__MANIFEST__` becomes the manifest's file and
/// integrity, `__FILES__` those of the list of the modules' own files,
/// `__PAGES__` each page's folder → its split point.
const PACK_LOADER: &str = include_str!("split_loader.js");

/// The module path wasm-split writes into the link module for the JS glue,
/// replaced by the glue's file name once it has one.
const GLUE_PLACEHOLDER: &str = "./__byok_glue__.js";

/// The link module's name as the wasm imports it (kept: wasm-bindgen's import
/// object uses it as the key); only the file on disk gets a hashed name.
const LINK_NAME: &str = "./__wasm_split.js";

/// The main module wasm-split writes in its work folder (and wasm-opt in its).
const MAIN_MODULE: &str = "main.wasm";

/// The features rustc's wasm32-unknown-unknown target enables, for wasm-opt
/// (the split modules carry no target_features section to detect them from).
const WASM_FEATURES: [&str; 6] = [
    "--enable-mutable-globals",
    "--enable-nontrapping-float-to-int",
    "--enable-bulk-memory",
    "--enable-sign-ext",
    "--enable-reference-types",
    "--enable-multivalue",
];

/// The split bundle's files, written in `dist`.
pub struct SplitBundle {
    /// The JS glue (wasm-bindgen's, for the main module).
    pub glue: PathBuf,
    /// The link module with the pack loader; the glue imports it.
    pub link: PathBuf,
    /// The main module, optimised, not yet compressed.
    pub wasm: PathBuf,
    /// The modules' names and sizes and the packs' index (deflate-raw JSON).
    pub manifest: PathBuf,
    /// Each page's pack by its split's name (`byok_view_<n>`).
    pub packs: BTreeMap<String, PathBuf>,
}

/// `{"aws/import-kek":"import_kek_view_3",…}`: the loader starts the pack of
/// the page it is opened on.
fn pages_object(packs: &BTreeMap<String, PathBuf>) -> Result<String> {
    let pages = page_splits(packs.keys())?
        .into_iter()
        .map(|(folder, split)| format!("{folder:?}:{split:?}"))
        .collect::<Vec<_>>();
    Ok(format!("{{{}}}", pages.join(",")))
}

/// Cuts `input` (cargo's wasm, built with `--emit-relocs`) into `dist`.
pub fn split(dist: &Path, input: &Path) -> Result<SplitBundle> {
    let work = dist.join(".split");
    let pieces = cut(input, &work)?;
    let bindgen = bind_main_module(&work)?;
    let optimized = optimize_modules(&work, &bindgen, &pieces.split_modules)?;
    let (stem, wasm) = write_main_module(dist, &optimized)?;
    let modules = write_module_files(dist, &optimized, &stem, &pieces.split_modules)?;
    let packs = write_packs(dist, &optimized, &stem, &pieces.prefetch_map)?;
    let manifest = write_manifest(dist, &stem, &modules, &packs, &pieces.prefetch_map)?;
    let glue = dist.join(format!("{stem}.js"));
    let link = dist.join(format!("{stem}-split.js"));
    write_glue(&glue, &bindgen, &link)?;
    write_link_module(&link, &work, &glue, &manifest, &modules.file_list, &packs)?;
    fs::remove_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
    Ok(SplitBundle {
        glue,
        link,
        wasm,
        manifest,
        packs,
    })
}

/// wasm-split into `work` (emptied first): the main module, one module per
/// split point, the chunks several share, and the link module.
fn cut(input: &Path, work: &Path) -> Result<SplitWasm> {
    let _ = fs::remove_dir_all(work);
    fs::create_dir_all(work).map_err(|e| format!("{}: {e}", work.display()))?;
    let input_wasm = fs::read(input).map_err(|e| format!("{}: {e}", input.display()))?;
    let main = work.join(MAIN_MODULE);
    println!("==> wasm-split {}", input.display());
    wasm_split_cli_support::transform({
        let mut options = wasm_split_cli_support::Options::new(&input_wasm);
        options.output_dir = work;
        options.main_out_path = &main;
        options.link_name = LINK_NAME;
        options.main_module = GLUE_PLACEHOLDER;
        options
    })
    .map_err(|e| format!("wasm-split: {e:#}"))
}

/// wasm-bindgen on the main module (its exports kept for the split modules);
/// returns the folder holding the glue and the bound wasm.
fn bind_main_module(work: &Path) -> Result<PathBuf> {
    let bindgen = work.join("bindgen");
    run_step(
        "wasm-bindgen (main module)",
        command("wasm-bindgen")
            .args(["--target", "web", "--keep-lld-exports", "--no-typescript"])
            .args(["--out-name", "byok-ui", "--out-dir"])
            .arg(&bindgen)
            .arg(work.join(MAIN_MODULE)),
    )?;
    Ok(bindgen)
}

/// wasm-opt on the bound main module and every split module; returns the
/// folder holding them (`main.wasm`, `<module>.wasm`).
fn optimize_modules(work: &Path, bindgen: &Path, split_modules: &[PathBuf]) -> Result<PathBuf> {
    let optimized = work.join("optimized");
    fs::create_dir_all(&optimized).map_err(|e| format!("{}: {e}", optimized.display()))?;
    let mut jobs = vec![(bindgen.join("byok-ui_bg.wasm"), optimized.join(MAIN_MODULE))];
    for module in split_modules {
        let name = module.file_name().ok_or("a split module without a name")?;
        jobs.push((module.clone(), optimized.join(name)));
    }
    optimize_all(&jobs)?;
    Ok(optimized)
}

/// The optimized main module in `dist` under a name that changes with the
/// code; returns that name's stem (every other file's prefix) and its path.
fn write_main_module(dist: &Path, optimized: &Path) -> Result<(String, PathBuf)> {
    let main_bytes = fs::read(optimized.join(MAIN_MODULE)).map_err(|e| format!("main: {e}"))?;
    let stem = format!("byok-ui-{}", short_hash(&main_bytes));
    let wasm = dist.join(format!("{stem}_bg.wasm"));
    fs::write(&wasm, &main_bytes).map_err(|e| format!("{}: {e}", wasm.display()))?;
    Ok((stem, wasm))
}

/// Every module by index, as the manifest lists them.
struct Modules {
    /// Their names, sorted: a module's index is its place here.
    names: Vec<String>,
    /// Their sizes once inflated, in the same order.
    sizes: Vec<usize>,
    /// `<stem>-modules.json`: each module's own file and its integrity.
    file_list: PathBuf,
}

/// Every module by index: its name, inflated size and own file (fetched one
/// by one only after a first load: zlib's best is enough), and their list.
fn write_module_files(
    dist: &Path,
    optimized: &Path,
    stem: &str,
    split_modules: &[PathBuf],
) -> Result<Modules> {
    let mut names: Vec<String> = split_modules
        .iter()
        .map(|module| {
            module
                .file_stem()
                .map(|stem| stem.to_string_lossy().into_owned())
                .ok_or_else(|| "a split module without a name".to_owned())
        })
        .collect::<Result<_>>()?;
    names.sort();
    let mut sizes = Vec::new();
    let mut files = Vec::new();
    for name in &names {
        let bytes = fs::read(optimized.join(format!("{name}.wasm")))
            .map_err(|e| format!("{name}.wasm: {e}"))?;
        sizes.push(bytes.len());
        let path = dist.join(format!("{stem}-{name}{COMPRESSED_SUFFIX}"));
        fs::write(&path, deflate_raw_fast(&bytes)?)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        files.push(url_and_integrity(&path)?);
    }
    let file_list = dist.join(format!("{stem}-modules.json"));
    fs::write(&file_list, format!("[{}]", files.join(",")))
        .map_err(|e| format!("{}: {e}", file_list.display()))?;
    Ok(Modules {
        names,
        sizes,
        file_list,
    })
}

/// Every split point's pack, by its split's name (zopfli takes seconds per
/// pack: one thread each).
fn write_packs(
    dist: &Path,
    optimized: &Path,
    stem: &str,
    prefetch_map: &HashMap<String, Vec<String>>,
) -> Result<BTreeMap<String, PathBuf>> {
    let built: Vec<Result<(String, PathBuf)>> = std::thread::scope(|scope| {
        let threads: Vec<_> = sorted(prefetch_map)
            .into_iter()
            .map(|(split_name, modules)| {
                scope.spawn(move || {
                    pack(dist, optimized, stem, split_name, modules)
                        .map(|pack| (split_name.clone(), pack))
                })
            })
            .collect();
        threads
            .into_iter()
            .map(|thread| {
                thread
                    .join()
                    .unwrap_or_else(|_| Err("a pack's thread panicked".to_owned()))
            })
            .collect()
    });
    built.into_iter().collect()
}

/// `<stem>-manifest.json.deflate`: the modules' names and sizes, and each
/// pack's file, integrity and modules (by index), for the link module's loader.
fn write_manifest(
    dist: &Path,
    stem: &str,
    modules: &Modules,
    packs: &BTreeMap<String, PathBuf>,
    prefetch_map: &HashMap<String, Vec<String>>,
) -> Result<PathBuf> {
    let index_of = |name: &String| {
        modules
            .names
            .binary_search(name)
            .map_err(|_| format!("{name} is in a pack but not among the modules"))
    };
    let mut index = Vec::new();
    for (split_name, pack) in packs {
        let members = prefetch_map[split_name]
            .iter()
            .map(|name| index_of(name).map(|i| i.to_string()))
            .collect::<Result<Vec<_>>>()?;
        index.push(format!(
            "{:?}:[{:?},{:?},[{}]]",
            split_name,
            format!("./{}", file_name(pack)),
            integrity(pack)?,
            members.join(",")
        ));
    }
    let sizes: Vec<String> = modules.sizes.iter().map(usize::to_string).collect();
    let manifest_json = format!(
        "[{:?},[{}],{{{}}}]",
        modules.names,
        sizes.join(","),
        index.join(",")
    );
    let manifest = dist.join(format!("{stem}-manifest.json{COMPRESSED_SUFFIX}"));
    fs::write(&manifest, deflate_raw(manifest_json.as_bytes())?)
        .map_err(|e| format!("{}: {e}", manifest.display()))?;
    Ok(manifest)
}

/// wasm-bindgen's glue as `glue`, importing the link module by its file name.
fn write_glue(glue: &Path, bindgen: &Path, link: &Path) -> Result {
    let glue_text = read(&bindgen.join("byok-ui.js"))?;
    fs::write(glue, glued(&glue_text, &file_name(link))?)
        .map_err(|e| format!("{}: {e}", glue.display()))
}

/// wasm-split's link module as `link`: split_loader.js (filled in with the
/// manifest, the modules' file list and each page's split point) in place of
/// its fetch per module.
fn write_link_module(
    link: &Path,
    work: &Path,
    glue: &Path,
    manifest: &Path,
    file_list: &Path,
    packs: &BTreeMap<String, PathBuf>,
) -> Result {
    let loader = PACK_LOADER
        .replace("__MANIFEST__", &url_and_integrity(manifest)?)
        .replace("__FILES__", &url_and_integrity(file_list)?)
        .replace("__PAGES__", &pages_object(packs)?);
    let link_text = read(&work.join(LINK_NAME.trim_start_matches("./")))?;
    let link_text = linked(&link_text, &format!("./{}", file_name(glue)), &loader)?;
    fs::write(link, link_text).map_err(|e| format!("{}: {e}", link.display()))
}

/// Runs [`optimize`] on every (input, output), one batch per core (wasm-opt
/// runs on node: most of a second per module is its start).
fn optimize_all(jobs: &[(PathBuf, PathBuf)]) -> Result {
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 8));
    let per_worker = jobs.len().div_ceil(workers).max(1);
    std::thread::scope(|scope| {
        let threads: Vec<_> = jobs
            .chunks(per_worker)
            .map(|batch| {
                scope.spawn(move || {
                    batch
                        .iter()
                        .try_for_each(|(input, output)| optimize(input, output))
                })
            })
            .collect();
        threads.into_iter().try_for_each(|thread| {
            thread
                .join()
                .unwrap_or_else(|_| Err("a wasm-opt thread panicked".to_owned()))
        })
    })
}

/// `wasm-opt -Oz` as Trunk runs it, names and producers stripped.
fn optimize(input: &Path, output: &Path) -> Result {
    let output_status = command("wasm-opt")
        .arg("-Oz")
        .args(WASM_FEATURES)
        .args(["--strip-debug", "--strip-producers", "-o"])
        .arg(output)
        .arg(input)
        .output()
        .map_err(|e| format!("cannot run wasm-opt: {e}"))?;
    if output_status.status.success() {
        Ok(())
    } else {
        Err(format!(
            "wasm-opt {} failed: {}",
            input.display(),
            String::from_utf8_lossy(&output_status.stderr)
        ))
    }
}

/// One split's pack: its modules' bytes one after the other (in the order of
/// its list in the link module's index), compressed as one stream.
fn pack(
    dist: &Path,
    optimized: &Path,
    stem: &str,
    split_name: &str,
    modules: &[String],
) -> Result<PathBuf> {
    let mut bytes = Vec::new();
    for module in modules {
        bytes.extend(
            fs::read(optimized.join(format!("{module}.wasm")))
                .map_err(|e| format!("{module}.wasm: {e}"))?,
        );
    }
    let view = split_name
        .rsplit_once('_')
        .map_or(split_name, |(view, _)| view)
        .trim_end_matches("_view");
    let path = dist.join(format!("{stem}-{view}.pack"));
    let compressed = deflate_raw(&bytes)?;
    fs::write(&path, &compressed).map_err(|e| format!("{}: {e}", path.display()))?;
    println!(
        "    {view}: {} modules, {} → {} bytes deflate-raw",
        modules.len(),
        bytes.len(),
        compressed.len()
    );
    Ok(path)
}

/// The prefetch map in a stable order.
fn sorted(map: &HashMap<String, Vec<String>>) -> Vec<(&String, &[String])> {
    let mut pairs: Vec<(&String, &[String])> = map
        .iter()
        .map(|(split, files)| (split, files.as_slice()))
        .collect();
    pairs.sort();
    pairs
}

/// The glue importing the link module by its file name (the import object's
/// key stays `./__wasm_split.js`: it is the wasm's import module name).
fn glued(glue: &str, link_file: &str) -> Result<String> {
    let from = format!("from \"{LINK_NAME}\"");
    if !glue.contains(&from) {
        return Err(format!("wasm-bindgen's glue has no `{from}`"));
    }
    Ok(glue.replace(&from, &format!("from \"./{link_file}\"")))
}

/// The link module as shipped: wasm-split's header (the glue's `initSync`,
/// `getSharedImports` with the main module's shared exports, the callback
/// table the wasm waits on),
/// `loader` (split_loader.js, filled in), then one loader per split point,
/// `loadSplit("<split>")`, in place of wasm-split's fetch per module.
fn linked(link: &str, glue_file: &str, loader: &str) -> Result<String> {
    let link = link.replace(GLUE_PLACEHOLDER, glue_file);
    if !link.contains(glue_file) {
        return Err(format!(
            "the link module does not import {GLUE_PLACEHOLDER}"
        ));
    }
    let header_end = link
        .find("function makeLoad(")
        .ok_or("the link module has no makeLoad (another wasm-split version?)")?;
    let header = &link[..header_end];
    for needed in ["function getSharedImports()", "__indirect_function_table"] {
        if !header.contains(needed) {
            return Err(format!("the link module's header has no `{needed}`"));
        }
    }
    let export = "export const __wasm_split_load_";
    let splits: Vec<&str> = link
        .match_indices(export)
        .filter_map(|(at, _)| {
            let name = &link[at + export.len()..];
            name.find(" = ").map(|end| &name[..end])
        })
        .collect();
    if splits.is_empty() {
        return Err("the link module has no split point's loader".to_owned());
    }
    let mut out = format!("{header}{loader}");
    for split in splits {
        out.push_str(&format!("{export}{split} = loadSplit({split:?});\n"));
    }
    Ok(out)
}

/// `bytes` as deflate-raw at zlib's best level (seconds faster than zopfli).
fn deflate_raw_fast(bytes: &[u8]) -> Result<Vec<u8>> {
    use std::io::Write;
    let mut encoder = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    encoder
        .write_all(bytes)
        .and_then(|()| encoder.finish())
        .map_err(|e| format!("compressing: {e}"))
}

fn read(path: &Path) -> Result<String> {
    fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// 16 hex digits of the SHA-256 of `bytes`: file names change with the code.
fn short_hash(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex_of(&sha2::Sha256::digest(bytes)[..8])
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `["./<file>","sha384-…"]`, as the loader fetches a file.
fn url_and_integrity(path: &Path) -> Result<String> {
    Ok(format!(
        "[{:?},{:?}]",
        format!("./{}", file_name(path)),
        integrity(path)?
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_loader_knows_each_pages_split_point_by_its_folder() {
        let mut packs: BTreeMap<String, PathBuf> = [
            "byok_view_12",
            "import_kek_view_3",
            "export_key_material_view_40",
            "ledger_view_5",
            "rotation_view_6",
            "create_symmetric_view_7",
            "create_rsa_view_8",
            "create_ec_view_9",
            "run_export_10",
            "azure_import_kek_view_11",
            "azure_export_view_13",
            "google_import_job_view_14",
            "google_export_view_15",
            "azure_guided_view_16",
            "google_guided_view_17",
            "wrapping_key_cleanup_view_18",
        ]
        .into_iter()
        .map(|name| (name.to_owned(), PathBuf::new()))
        .collect();
        let pages = pages_object(&packs).unwrap();
        assert!(
            pages.contains(r#""aws/import-kek":"import_kek_view_3""#),
            "{pages}"
        );
        assert!(pages.contains(r#""aws/byok":"byok_view_12""#), "{pages}");
        assert!(
            pages.contains(r#""google/export":"google_export_view_15""#),
            "{pages}"
        );
        assert!(
            pages.contains(r#""kms/clean-up-wrapping-keys":"wrapping_key_cleanup_view_18""#),
            "{pages}"
        );
        assert!(!pages.contains("run_export"), "{pages}");
        packs.remove("ledger_view_5");
        let refused = pages_object(&packs).unwrap_err();
        assert!(
            refused.contains("page Ledger has no split ledger_view_"),
            "{refused}"
        );
    }

    /// The shape wasm_split_cli_support 0.2.4 writes (its js.rs), cut down.
    const LINK: &str = r#"import { initSync } from "./__byok_glue__.js";

let sharedImports = undefined;
function getSharedImports() {
    return sharedImports;
}
function wrapAsyncCb(callee) { sharedImports.__wasm_split.__indirect_function_table.get(0); }
function makeLoad(fetcher, deps) {}
/* a_view_1, b_view_2 */
const __chunk_9 = makeLoad(() => {
    const src = fetch(new URL("./chunk_9.wasm", import.meta.url));
    src.catch(() => {});
    return async (imports) => (WebAssembly.instantiateStreaming(src, imports));
}
, []);
export const __wasm_split_load_b_view_2 = wrapAsyncCb(makeLoad(() => async (_imp) => ({}), [__chunk_9]));
export const __wasm_split_load_a_view_1 = wrapAsyncCb(makeLoad(() => {
    const src = fetch(new URL("./split_a_view_1.wasm", import.meta.url));
    src.catch(() => {});
    return async (imports) => (WebAssembly.instantiateStreaming(src, imports));
}
, [__chunk_9]));
"#;

    #[test]
    fn the_link_module_loads_split_points_from_packs() {
        let out = linked(LINK, "./byok-ui-1.js", "/* loader */\n").unwrap();
        assert!(
            out.starts_with("import { initSync } from \"./byok-ui-1.js\";"),
            "{out}"
        );
        assert!(out.contains("function getSharedImports()"), "{out}");
        assert!(
            out.ends_with(
                "function wrapAsyncCb(callee) { sharedImports.__wasm_split.__indirect_function_table.get(0); }\n/* loader */\n\
                 export const __wasm_split_load_b_view_2 = loadSplit(\"b_view_2\");\n\
                 export const __wasm_split_load_a_view_1 = loadSplit(\"a_view_1\");\n"
            ),
            "{out}"
        );
        assert!(!out.contains("fetch("), "{out}");
        assert!(!out.contains("makeLoad"), "{out}");
    }

    #[test]
    fn a_link_module_of_another_shape_is_refused() {
        let loader = "";
        assert!(linked("import x from \"./other.js\";", "./g.js", loader).is_err());
        for gone in [
            "function makeLoad(",
            "function getSharedImports()",
            "export const",
        ] {
            let other = LINK.replace(gone, "something else");
            assert!(linked(&other, "./g.js", loader).is_err(), "{gone}");
        }
    }

    #[test]
    fn the_glue_imports_the_link_module_by_its_hashed_name() {
        let glue = "import * as import1 from \"./__wasm_split.js\"\nconst i = { \"./__wasm_split.js\": import1 };";
        let out = glued(glue, "byok-ui-1-split.js").unwrap();
        assert!(out.contains("from \"./byok-ui-1-split.js\""), "{out}");
        assert!(out.contains("{ \"./__wasm_split.js\": import1 }"), "{out}");
        assert!(glued("no import", "x.js").is_err());
    }
}
