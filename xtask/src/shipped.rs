//! The shipped form of the bundle: the KMS sends files as they are on disk, so
//! the wasm is precompressed here and decompressed in the browser by loader.js.
//!
//! After `trunk build`: the JS glue (with the split loader inside) is minified
//! (terser), then it and the wasm become `<name>.js.deflate` and
//! `<name>_bg.wasm.deflate` (zopfli, deflate-raw: what `DecompressionStream`
//! reads in every current browser; brotli it does not), the raw files are
//! removed, and Trunk's inline loader is replaced by loader.js with the two
//! files' URLs and SHA-384 integrity (checked by `fetch` on the bytes
//! fetched); the glue is imported from a blob URL of the checked bytes.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::files::{COMPRESSED_SUFFIX, deflate_raw, file_name, integrity, named_wasm};
use crate::process::{Result, command, run_step, terser_bin};

/// The loader template; `__WASM_URL__`, `__WASM_INTEGRITY__`, `__JS_URL__`,
/// `__JS_INTEGRITY__`.
const LOADER: &str = include_str!("loader.js");

/// Turns Trunk's output in `dist` (built for `base` with `--cfg byok_split`)
/// into the shipped form; returns each page's preload link by its split's name.
pub fn ship(dist: &Path, base: &str) -> Result<BTreeMap<String, String>> {
    for trunks in [
        only_file(dist, |name| name.ends_with(".js"))?,
        only_file(dist, |name| name.ends_with("_bg.wasm"))?,
    ] {
        fs::remove_file(&trunks).map_err(|e| format!("{}: {e}", trunks.display()))?;
    }
    let split = crate::split::split(dist, &named_wasm(), base)?;
    minify(&split.glue)?;
    let [glue, wasm] = [&split.glue, &split.wasm].map(|file| {
        let compressed = compress(file)?;
        fs::remove_file(file).map_err(|e| format!("{}: {e}", file.display()))?;
        Ok::<_, String>(compressed)
    });
    let (glue, wasm) = (glue?, wasm?);
    let index = dist.join("index.html");
    let html = fs::read_to_string(&index).map_err(|e| format!("{}: {e}", index.display()))?;
    let loader = minified_loader(dist, &loader_for(base, &glue, &wasm)?)?;
    let mut links = String::new();
    for file in [&glue, &wasm, &split.manifest] {
        links.push_str(&fetch_preload(base, file)?);
    }
    let html = with_loader(&html, &loader, &links)?;
    fs::write(&index, html).map_err(|e| format!("{}: {e}", index.display()))?;
    split
        .packs
        .iter()
        .map(|(split_name, pack)| Ok((split_name.clone(), fetch_preload(base, pack)?)))
        .collect()
}

/// The one file in `dist` whose name matches.
fn only_file(dist: &Path, matches: impl Fn(&str) -> bool) -> Result<PathBuf> {
    let found: Vec<PathBuf> = fs::read_dir(dist)
        .map_err(|e| format!("{}: {e}", dist.display()))?
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.is_file() && matches(&file_name(path)))
        .collect();
    match found.as_slice() {
        [one] => Ok(one.clone()),
        _ => Err(format!(
            "expected one such file in {}, found {found:?}",
            dist.display()
        )),
    }
}

/// Minifies the JS glue in place (terser, ES module, two compress passes).
fn minify(js: &Path) -> Result {
    run_step(
        &format!("terser {}", file_name(js)),
        command(terser_bin())
            .arg(js)
            .args(["--module", "--ecma", "2020", "--compress", "passes=2"])
            .args(["--mangle", "--output"])
            .arg(js),
    )
}

/// Writes `<file>.deflate` (zopfli deflate-raw) and returns its path.
fn compress(file: &Path) -> Result<PathBuf> {
    let bytes = fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let started = std::time::Instant::now();
    let out = deflate_raw(&bytes)?;
    let path = PathBuf::from(format!("{}{COMPRESSED_SUFFIX}", file.display()));
    fs::write(&path, &out).map_err(|e| format!("{}: {e}", path.display()))?;
    println!(
        "    {} {} → {} bytes deflate-raw (zopfli, {:.0?})",
        file_name(file),
        bytes.len(),
        out.len(),
        started.elapsed()
    );
    Ok(path)
}

fn loader_for(base: &str, js: &Path, wasm: &Path) -> Result<String> {
    Ok(LOADER
        .replace("__WASM_URL__", &format!("{base}{}", file_name(wasm)))
        .replace("__WASM_INTEGRITY__", &integrity(wasm)?)
        .replace("__JS_URL__", &format!("{base}{}", file_name(js)))
        .replace("__JS_INTEGRITY__", &integrity(js)?))
}

/// The loader minified by terser (a scratch file in `dist`, removed after).
fn minified_loader(dist: &Path, loader: &str) -> Result<String> {
    let scratch = dist.join("loader.tmp.js");
    fs::write(&scratch, loader).map_err(|e| format!("{}: {e}", scratch.display()))?;
    let output = command(terser_bin())
        .arg(&scratch)
        .args(["--module", "--ecma", "2020", "--compress", "--mangle"])
        .output()
        .map_err(|e| format!("cannot run terser: {e}"))?;
    let _ = fs::remove_file(&scratch);
    if !output.status.success() {
        return Err(format!(
            "terser failed on the loader: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// A file the loader fetches with its integrity, fetched early.
fn fetch_preload(base: &str, file: &Path) -> Result<String> {
    Ok(format!(
        "<link rel=\"preload\" href=\"{base}{}\" crossorigin=\"anonymous\" integrity=\"{}\" as=\"fetch\">",
        file_name(file),
        integrity(file)?
    ))
}

/// `html` with Trunk's inline loader and its two preload links replaced by
/// ours (the loader stays the one inline module script, hashed by the CSP).
fn with_loader(html: &str, loader: &str, links: &str) -> Result<String> {
    let mut html = html.to_owned();
    for (open, close) in [
        ("<script type=\"module\">", "</script>"),
        ("<link rel=\"modulepreload\"", ">"),
        ("<link rel=\"preload\"", ">"),
    ] {
        let start = html
            .find(open)
            .ok_or_else(|| format!("Trunk's index.html has no `{open}`"))?;
        let end = start
            + html[start..]
                .find(close)
                .ok_or_else(|| format!("unterminated `{open}`"))?
            + close.len();
        html.replace_range(start..end, "");
    }
    let head_end = html.find("</head>").ok_or("index.html has no </head>")?;
    html.insert_str(
        head_end,
        &format!("{links}\n    <script type=\"module\">{loader}</script>\n  "),
    );
    Ok(html)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRUNK: &str = "<head>\n<link rel=\"stylesheet\" href=\"/ui/main.css\"/>\n\
        <script type=\"module\">\nimport init from '/ui/a.js';\nawait init('/ui/a_bg.wasm');\n</script>\n  \
        <link rel=\"modulepreload\" href=\"/ui/a.js\" integrity=\"x\"><link rel=\"preload\" href=\"/ui/a_bg.wasm\" as=\"fetch\"></head>\n<body></body>";

    #[test]
    fn trunks_loader_and_preloads_give_way_to_ours() {
        let out = with_loader(TRUNK, "go()", "<link ours>").unwrap();
        assert!(!out.contains("a_bg.wasm"), "{out}");
        assert!(!out.contains("init"), "{out}");
        assert_eq!(out.matches("<script").count(), 1, "{out}");
        assert!(
            out.contains("<link ours>\n    <script type=\"module\">go()</script>\n  </head>"),
            "{out}"
        );
        assert!(out.contains("main.css"), "{out}");
    }

    #[test]
    fn a_page_that_is_not_trunks_is_refused() {
        assert!(with_loader("<head></head>", "go()", "").is_err());
    }

    #[test]
    fn the_loader_gets_urls_under_the_base_and_the_integrity() {
        let dir = std::env::temp_dir().join(format!("xtask-loader-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let (js, wasm) = (dir.join("a.js.deflate"), dir.join("a_bg.wasm.deflate"));
        fs::write(&js, "abc").unwrap();
        fs::write(&wasm, "abc").unwrap();
        let loader = loader_for("/ui/byok/", &js, &wasm).unwrap();
        assert!(
            loader.contains("\"/ui/byok/a_bg.wasm.deflate\""),
            "{loader}"
        );
        assert!(loader.contains("\"/ui/byok/a.js.deflate\""), "{loader}");
        // `printf abc | openssl dgst -sha384 -binary | base64`
        assert_eq!(
            loader
                .matches("sha384-ywB1P0WjXou1oD1pmsZQBycsMqsO3tFjGotgWkP/W+2AhgcroefMI1i67KE0yCWn")
                .count(),
            2,
            "{loader}"
        );
        assert!(!loader.contains("__"), "{loader}");
        let _ = fs::remove_dir_all(&dir);
    }
}
