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
//! their integrity and hands each module its bytes, and is written into the
//! JS glue: one module with no import of its own, which the shipped loader
//! inflates and imports from a blob URL.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

use wasm_split_cli_support::SplitWasm;

use crate::files::{COMPRESSED_SUFFIX, deflate_raw, file_name, integrity};
use crate::pages::page_splits;
use crate::process::{BINARYEN_VERSION, Result, command, run_step};

/// The link module's loader: `__MANIFEST__` becomes the manifest's file and
/// integrity, `__FILES__` those of the list of the modules' own files,
/// `__PAGES__` each page's folder → its split point, `__BASE__` the bundle's
/// URL path.
const PACK_LOADER: &str = include_str!("split_loader.js");

/// The module path wasm-split writes into the link module for the JS glue,
/// replaced by the glue's file name once it has one.
const GLUE_PLACEHOLDER: &str = "./__byok_glue__.js";

/// The link module's name as the wasm imports it (kept: wasm-bindgen's import
/// object uses it as the key); its code ends up inside the glue.
const LINK_NAME: &str = "./__wasm_split.js";

/// The main module wasm-split writes in its work folder (and wasm-opt in its).
const MAIN_MODULE: &str = "main.wasm";

/// wasm-opt's optimisation as Trunk runs it, names and producers stripped.
const OPTIMIZE: [&str; 3] = ["-Oz", "--strip-debug", "--strip-producers"];

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
    /// The app's one JS module: wasm-bindgen's glue for the main module with
    /// the link module and its pack loader inside.
    pub glue: PathBuf,
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

/// Cuts `input` (cargo's wasm, built with `--emit-relocs`) into `dist`, for
/// a bundle served under `base`.
pub fn split(dist: &Path, input: &Path, base: &str) -> Result<SplitBundle> {
    let work = dist.join(".split");
    let pieces = cut(input, &work)?;
    let bindgen = bind_main_module(&work)?;
    let optimized = optimize_modules(&work, &bindgen, &pieces.split_modules)?;
    let (stem, wasm) = write_main_module(dist, &optimized)?;
    let modules = write_module_files(dist, &optimized, &stem, &pieces.split_modules)?;
    let packs = write_packs(dist, &optimized, &stem, &pieces.prefetch_map)?;
    let manifest = write_manifest(dist, &stem, &modules, &packs, &pieces.prefetch_map)?;
    let glue = dist.join(format!("{stem}.js"));
    let loader = PACK_LOADER
        .replace("__MANIFEST__", &url_and_integrity(&manifest)?)
        .replace("__FILES__", &url_and_integrity(&modules.file_list)?)
        .replace("__PAGES__", &pages_object(&packs)?)
        .replace("__BASE__", &format!("{base:?}"));
    let app_module = with_link_module(
        &read(&bindgen.join("byok-ui.js"))?,
        &read(&work.join(LINK_NAME.trim_start_matches("./")))?,
        &loader,
    )?;
    fs::write(&glue, app_module).map_err(|e| format!("{}: {e}", glue.display()))?;
    fs::remove_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
    Ok(SplitBundle {
        glue,
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

/// wasm-opt ([`OPTIMIZE`]) on one module, remembered
/// by its input (cache.rs): the subfolder bundle's modules are the same.
fn optimize(input: &Path, output: &Path) -> Result {
    let input_bytes = fs::read(input).map_err(|e| format!("{}: {e}", input.display()))?;
    let step = format!(
        "wasm-opt {BINARYEN_VERSION} {} {}",
        OPTIMIZE.join(" "),
        WASM_FEATURES.join(" ")
    );
    let optimized = crate::cache::remembered(&step, &input_bytes, || {
        run_wasm_opt(input, output)?;
        fs::read(output).map_err(|e| format!("{}: {e}", output.display()))
    })?;
    fs::write(output, optimized).map_err(|e| format!("{}: {e}", output.display()))
}

fn run_wasm_opt(input: &Path, output: &Path) -> Result {
    let output_status = command("wasm-opt")
        .args(OPTIMIZE)
        .args(WASM_FEATURES)
        .arg("-o")
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

/// The name the merged module gives the link module's exports: the glue's
/// `import * as importN from "./__wasm_split.js"` become this object.
const LINK_EXPORTS: &str = "__byok_link";

/// The app's one module: wasm-bindgen's `glue` without its imports of the
/// link module, then the `link` module's header (wasm-split's
/// `getSharedImports`, the callback table the wasm waits on; it called the
/// glue's `initSync`, now in the same module) and `loader`
/// (split_loader.js, filled in) in a function of their own, returning one
/// loader per split point, `loadSplit("<split>")`, in place of wasm-split's
/// fetch per module; the glue's import names are bound to that object.
fn with_link_module(glue: &str, link: &str, loader: &str) -> Result<String> {
    let (glue, import_names) = without_link_imports(glue)?;
    let glue_import = format!("import {{ initSync }} from \"{GLUE_PLACEHOLDER}\";");
    let link = link
        .trim_start()
        .strip_prefix(&glue_import)
        .ok_or_else(|| format!("the link module does not start with `{glue_import}`"))?
        .trim_start();
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
    let loaders: Vec<String> = splits
        .iter()
        .map(|split| format!("  __wasm_split_load_{split}: loadSplit({split:?}),\n"))
        .collect();
    let bindings: Vec<String> = import_names
        .iter()
        .map(|name| format!("{name} = {LINK_EXPORTS}"))
        .collect();
    Ok(format!(
        "{glue}\nconst {LINK_EXPORTS} = (() => {{\n{header}{loader}return {{\n{}}};\n}})();\nconst {};\n",
        loaders.concat(),
        bindings.join(", ")
    ))
}

/// `glue` without its `import * as importN from "./__wasm_split.js"` lines,
/// and the names they bound.
fn without_link_imports(glue: &str) -> Result<(String, Vec<String>)> {
    let mut names = Vec::new();
    let mut kept = String::with_capacity(glue.len());
    for line in glue.split_inclusive('\n') {
        let import = line
            .trim_end()
            .trim_end_matches(';')
            .strip_prefix("import * as ")
            .and_then(|rest| rest.strip_suffix(&format!(" from \"{LINK_NAME}\"")));
        match import {
            Some(name) if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => {
                names.push(name.to_owned());
            }
            _ => kept.push_str(line),
        }
    }
    if names.is_empty() {
        return Err(format!(
            "wasm-bindgen's glue has no `import * as … from \"{LINK_NAME}\"`"
        ));
    }
    if kept.contains(&format!("from \"{LINK_NAME}\"")) {
        return Err(format!(
            "wasm-bindgen's glue imports {LINK_NAME} in another way"
        ));
    }
    Ok((kept, names))
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
            "ceremony_record_view_19",
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

    /// The shape wasm-bindgen 0.2.130 writes for a split main module, cut down.
    const GLUE: &str = r#"import * as import1 from "./__wasm_split.js"
import * as import2 from "./__wasm_split.js"

let wasm;
function __wbg_get_imports() {
    const imports = { "./__wasm_split.js": import1, "./__wasm_split.js": import2 };
    return imports;
}
function initSync(module) { return wasm; }
export { initSync };
export default __wbg_init;
"#;

    #[test]
    fn the_link_module_goes_into_the_glue_and_loads_split_points_from_packs() {
        let out = with_link_module(GLUE, LINK, "/* loader */\n").unwrap();
        assert!(out.starts_with("\nlet wasm;"), "{out}");
        assert!(!out.contains("import "), "no import is left: {out}");
        assert!(out.contains("function getSharedImports()"), "{out}");
        assert!(
            out.contains("{ \"./__wasm_split.js\": import1, \"./__wasm_split.js\": import2 }"),
            "{out}"
        );
        assert!(
            out.ends_with(
                "const __byok_link = (() => {\nlet sharedImports = undefined;\nfunction getSharedImports() {\n    return sharedImports;\n}\n\
                 function wrapAsyncCb(callee) { sharedImports.__wasm_split.__indirect_function_table.get(0); }\n/* loader */\n\
                 return {\n  __wasm_split_load_b_view_2: loadSplit(\"b_view_2\"),\n  __wasm_split_load_a_view_1: loadSplit(\"a_view_1\"),\n};\n})();\n\
                 const import1 = __byok_link, import2 = __byok_link;\n"
            ),
            "{out}"
        );
        assert!(!out.contains("fetch("), "{out}");
        assert!(!out.contains("makeLoad"), "{out}");
    }

    #[test]
    fn a_link_module_or_glue_of_another_shape_is_refused() {
        let loader = "";
        assert!(with_link_module(GLUE, "import x from \"./other.js\";", loader).is_err());
        for gone in [
            "function makeLoad(",
            "function getSharedImports()",
            "export const",
        ] {
            let other = LINK.replace(gone, "something else");
            assert!(with_link_module(GLUE, &other, loader).is_err(), "{gone}");
        }
        let no_import = GLUE.replace("import * as", "// import * as");
        assert!(with_link_module(&no_import, LINK, loader).is_err());
        let other_import = format!("import {{ x }} from \"{LINK_NAME}\"\n{GLUE}");
        assert!(with_link_module(&other_import, LINK, loader).is_err());
    }
}
