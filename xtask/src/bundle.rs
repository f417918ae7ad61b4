//! `cargo xtask build` and `size`: the release bundle in dist/, its
//! Content-Security-Policy, and what each file weighs raw, gzipped and brotlied.

use std::env;
use std::fs;
use std::io::Write;
use std::path::PathBuf;

use crate::process::{Result, command, root, run_step};

/// Where the bundle is built and served from.
pub fn dist() -> PathBuf {
    root().join("dist")
}

/// `trunk build --release --offline`, then the CSP, then the size report.
pub fn build() -> Result {
    run_step(
        "trunk build --release --offline",
        command("trunk").args(["build", "--release", "--offline"]),
    )?;
    add_content_security_policy()?;
    size_report()
}

/// Where the app may connect besides its own origin; override with
/// `BYOK_CSP_CONNECT_SRC` (space-separated origins) for a remote KMS.
const DEFAULT_CONNECT_SRC: &str = "http://127.0.0.1:* http://localhost:*";

/// Puts a Content-Security-Policy in dist/index.html: own origin only, the
/// wasm ('wasm-unsafe-eval'), and Trunk's one inline loader by its hash.
fn add_content_security_policy() -> Result {
    let path = dist().join("index.html");
    let html = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let connect =
        env::var("BYOK_CSP_CONNECT_SRC").unwrap_or_else(|_| DEFAULT_CONNECT_SRC.to_owned());
    let html = with_content_security_policy(&html, &connect)?;
    fs::write(&path, html).map_err(|e| format!("{}: {e}", path.display()))
}

/// `html` with a CSP `<meta>` right after its charset: the inline loader is
/// allowed by its sha256, and `connect` is added to connect-src.
fn with_content_security_policy(html: &str, connect: &str) -> Result<String> {
    use base64::Engine;
    use sha2::Digest;
    let open = "<script type=\"module\">";
    let start = html
        .find(open)
        .ok_or("dist/index.html has no inline loader script")?
        + open.len();
    let end = start
        + html[start..]
            .find("</script>")
            .ok_or("unterminated loader script")?;
    let hash =
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(&html[start..end]));
    let policy = format!(
        "default-src 'none'; script-src 'self' 'wasm-unsafe-eval' 'sha256-{hash}'; \
         style-src 'self'; img-src 'self'; connect-src 'self' {connect}; \
         base-uri 'none'; form-action 'none'"
    );
    let meta = format!("<meta http-equiv=\"Content-Security-Policy\" content=\"{policy}\" />");
    let charset = "<meta charset=\"utf-8\" />";
    Ok(html.replacen(charset, &format!("{charset}\n    {meta}"), 1))
}

/// One bundle file's weight.
struct Row {
    kind: String,
    name: String,
    raw: usize,
    gzip: usize,
    brotli: usize,
}

/// Prints every wasm/js/css/html file in dist/: raw, gzip -9 and brotli 11
/// bytes (what a server with either compression sends), and the totals.
pub fn size_report() -> Result {
    let dist = dist();
    let entries = fs::read_dir(&dist).map_err(|e| {
        format!(
            "no bundle at {} ({e}): run `cargo xtask build`",
            dist.display()
        )
    })?;
    let mut rows = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let kind = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default()
            .to_owned();
        if !["wasm", "js", "css", "html"].contains(&kind.as_str()) {
            continue;
        }
        let bytes = fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        rows.push(Row {
            kind,
            name,
            raw: bytes.len(),
            gzip: gzip_len(&bytes)?,
            brotli: brotli_len(&bytes)?,
        });
    }
    rows.sort_by(|a, b| (&a.kind, &a.name).cmp(&(&b.kind, &b.name)));
    println!("bundle size ({}):", dist.display());
    println!(
        "  {:<5} {:>10} {:>10} {:>10}  file",
        "kind", "raw", "gzip -9", "brotli 11"
    );
    for Row {
        kind,
        name,
        raw,
        gzip,
        brotli,
    } in &rows
    {
        println!("  {kind:<5} {raw:>10} {gzip:>10} {brotli:>10}  {name}");
    }
    let total = |bytes: fn(&Row) -> usize| rows.iter().map(bytes).sum::<usize>();
    println!(
        "  {:<5} {:>10} {:>10} {:>10}",
        "total",
        total(|r| r.raw),
        total(|r| r.gzip),
        total(|r| r.brotli)
    );
    Ok(())
}

fn gzip_len(bytes: &[u8]) -> Result<usize> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).map_err(|e| e.to_string())?;
    Ok(encoder.finish().map_err(|e| e.to_string())?.len())
}

fn brotli_len(mut bytes: &[u8]) -> Result<usize> {
    let mut out = Vec::new();
    brotli::BrotliCompress(
        &mut bytes,
        &mut out,
        &brotli::enc::BrotliEncoderParams {
            quality: 11,
            ..Default::default()
        },
    )
    .map_err(|e| e.to_string())?;
    Ok(out.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_goes_after_the_charset_and_hashes_the_loader() {
        let html =
            "<head>\n    <meta charset=\"utf-8\" />\n<script type=\"module\">go()</script></head>";
        let out = with_content_security_policy(html, "http://kms:9998").unwrap();
        // `printf 'go()' | openssl dgst -sha256 -binary | base64`
        assert!(
            out.contains("'sha256-5KYv+PUboo5h+0+YAtGRPbwv5d/QxzHslP4YGnUaxRw='"),
            "{out}"
        );
        assert!(out.contains("connect-src 'self' http://kms:9998;"), "{out}");
        assert!(
            out.contains(
                "<meta charset=\"utf-8\" />\n    <meta http-equiv=\"Content-Security-Policy\""
            ),
            "{out}"
        );
    }

    #[test]
    fn a_page_without_the_inline_loader_is_refused() {
        assert!(with_content_security_policy("<meta charset=\"utf-8\" />", "").is_err());
        assert!(with_content_security_policy("<script type=\"module\">x", "").is_err());
    }
}
