//! `cargo xtask build` and `size`: the release bundle in dist/ for a base path,
//! its shipped form (shipped.rs), its Content-Security-Policy and route folders.

use std::collections::BTreeMap;
use std::env;
use std::fs;
use std::path::{Path, PathBuf};

use crate::pages::{ROUTES_SOURCE, page_split, route_folders};
use crate::process::{Result, command, root, run_step};

/// Where the bundle is built and served from.
pub fn dist() -> PathBuf {
    root().join("dist")
}

/// What `cargo xtask build` makes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildOptions {
    /// The URL path the bundle is served under, with both slashes (`/ui/`).
    pub base: String,
    /// Trunk's output as it is (the wasm uncompressed): the bench's reference.
    pub raw: bool,
    pub dist: PathBuf,
}

impl Default for BuildOptions {
    fn default() -> Self {
        Self {
            base: "/ui/".to_owned(),
            raw: false,
            dist: dist(),
        }
    }
}

pub const BUILD_USAGE: &str = "usage: cargo xtask build [--base /ui/byok/] [--raw] [--dist DIR]";

impl BuildOptions {
    /// `--base PATH`, `--raw`, `--dist DIR`, in any order.
    pub fn parse(args: &[String]) -> Result<Self> {
        let mut options = Self::default();
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--base" => {
                    let base = args.next().ok_or(BUILD_USAGE)?;
                    options.base = normalized_base(base)?;
                }
                "--dist" => options.dist = root().join(args.next().ok_or(BUILD_USAGE)?),
                "--raw" => options.raw = true,
                other => return Err(format!("unknown option {other:?}; {BUILD_USAGE}")),
            }
        }
        Ok(options)
    }

    /// The router's base: the path without its trailing slash (`/ui`, or
    /// empty at the server's root).
    fn router_base(&self) -> &str {
        self.base.trim_end_matches('/')
    }
}

/// `/ui/byok` → `/ui/byok/`; a base must be an absolute URL path.
fn normalized_base(base: &str) -> Result<String> {
    let trimmed = base.trim().trim_end_matches('/');
    let valid = base.trim().starts_with('/')
        && trimmed
            .split('/')
            .skip(1)
            .all(|segment| !segment.is_empty() && segment != "." && segment != "..")
        && trimmed
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/-_.~".contains(c));
    if valid {
        Ok(format!("{trimmed}/"))
    } else {
        Err(format!(
            "--base {base:?}: give the URL path the bundle is served under, e.g. /ui/ or /ui/byok/ \
             (letters, digits, - _ . ~ between slashes)"
        ))
    }
}

/// The default bundle: shipped form, for `/ui/`, in dist/.
pub fn build() -> Result {
    build_with(&BuildOptions::default())
}

/// The wasm build's flags for the shipped form: .cargo/config.toml's (which
/// RUSTFLAGS replaces), the pages as split points (`byok_split`, see
/// src/app.rs) and the relocations wasm-split needs to cut the wasm.
pub const SPLIT_RUSTFLAGS: &str =
    "--cfg erase_components --cfg byok_split -C link-args=--emit-relocs";

/// `trunk build --release --offline` for the base, then the shipped form
/// (unless raw), the CSP, an index.html in every route's folder, the size report.
pub fn build_with(options: &BuildOptions) -> Result {
    let pruned = crate::cache::prune();
    if pruned > 0 {
        println!("    {pruned} build cache entries unused for a week removed");
    }
    let mut trunk = command("trunk");
    trunk
        .args(["build", "--release", "--offline", "--public-url"])
        .arg(&options.base)
        .arg("--dist")
        .arg(&options.dist);
    if !options.raw {
        trunk.env("RUSTFLAGS", SPLIT_RUSTFLAGS);
    }
    run_step(
        &format!(
            "trunk build --release --offline --public-url {} ({})",
            options.base,
            if options.raw {
                "raw"
            } else {
                "shipped form, pages split"
            }
        ),
        &mut trunk,
    )?;
    let page_links = if options.raw {
        BTreeMap::new()
    } else {
        crate::shipped::ship(&options.dist, &options.base)?
    };
    edit_index(&options.dist, |html| {
        Ok(with_base(html, options.router_base()))
    })?;
    add_content_security_policy(&options.dist, !options.raw)?;
    write_route_pages(&options.dist, &page_links)?;
    crate::size::report(&options.dist)
}

/// Rewrites `dist`/index.html with `edit`.
fn edit_index(dist: &Path, edit: impl FnOnce(&str) -> Result<String>) -> Result {
    let path = dist.join("index.html");
    let html = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    fs::write(&path, edit(&html)?).map_err(|e| format!("{}: {e}", path.display()))
}

/// `html` telling the app where it is served (read by src/main.rs for the
/// router's base and every link): `<meta name="byok-base">` after the charset.
fn with_base(html: &str, router_base: &str) -> String {
    let charset = "<meta charset=\"utf-8\" />";
    let meta = format!("<meta name=\"byok-base\" content=\"{router_base}\" />");
    html.replacen(charset, &format!("{charset}\n    {meta}"), 1)
}

/// Where the app may connect besides its own origin; override with
/// `BYOK_CSP_CONNECT_SRC` (space-separated origins) for a remote KMS.
const DEFAULT_CONNECT_SRC: &str = "http://127.0.0.1:* http://localhost:*";

/// Puts a Content-Security-Policy in `dist`/index.html: own origin only, the
/// wasm ('wasm-unsafe-eval'), the one inline loader by its hash, and in the
/// shipped form the JS glue the loader imports from a blob URL (`blob:`).
fn add_content_security_policy(dist: &Path, shipped: bool) -> Result {
    let connect =
        env::var("BYOK_CSP_CONNECT_SRC").unwrap_or_else(|_| DEFAULT_CONNECT_SRC.to_owned());
    edit_index(dist, |html| {
        with_content_security_policy(html, &connect, shipped)
    })
}

/// `html` with a CSP `<meta>` right after its charset: the inline loader is
/// allowed by its sha256, `connect` is added to connect-src, and `blob:` to
/// script-src for the `shipped` form (its glue, inflated and checked by the
/// loader, is imported from a blob URL: the only blob URLs are the loader's).
fn with_content_security_policy(html: &str, connect: &str, shipped: bool) -> Result<String> {
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
        "default-src 'none'; script-src 'self' 'wasm-unsafe-eval' 'sha256-{hash}'{}; \
         style-src 'self'; img-src 'self'; connect-src 'self' {connect}; \
         base-uri 'none'; form-action 'none'",
        if shipped { " blob:" } else { "" }
    );
    let meta = format!("<meta http-equiv=\"Content-Security-Policy\" content=\"{policy}\" />");
    let charset = "<meta charset=\"utf-8\" />";
    Ok(html.replacen(charset, &format!("{charset}\n    {meta}"), 1))
}

/// `html` preloading the pack of `variant`'s page, if the build has packs.
fn with_page_pack(
    html: &str,
    variant: &str,
    page_links: &BTreeMap<String, String>,
) -> Result<String> {
    if page_links.is_empty() {
        return Ok(html.to_owned());
    }
    let link = &page_links[page_split(variant, page_links.keys())?];
    let head_end = html.find("</head>").ok_or("index.html has no </head>")?;
    let mut html = html.to_owned();
    html.insert_str(head_end, &format!("{link}\n  "));
    Ok(html)
}

/// Writes index.html into `<route>/index.html` for every page, so a deep link
/// or a reload is a real file on any static server (no rewrite rules); each
/// copy preloads its page's pack.
fn write_route_pages(dist: &Path, page_links: &BTreeMap<String, String>) -> Result {
    let folders = route_folders(ROUTES_SOURCE);
    if folders.is_empty() {
        return Err("no route found in src/routes.rs's Page::segments".to_owned());
    }
    let index = dist.join("index.html");
    let html = fs::read_to_string(&index).map_err(|e| format!("{}: {e}", index.display()))?;
    for (folder, variant) in folders {
        let dir = dist.join(&folder);
        fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        fs::write(
            dir.join("index.html"),
            with_page_pack(&html, &variant, page_links)?,
        )
        .map_err(|e| format!("{}/index.html: {e}", dir.display()))?;
    }
    // The top index.html preloads no page's pack: the KMS serves it for
    // every `/ui/aws…`, `/ui/sym…` path, whatever the page.
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages::view_of;

    #[test]
    fn the_policy_goes_after_the_charset_and_hashes_the_loader() {
        let html =
            "<head>\n    <meta charset=\"utf-8\" />\n<script type=\"module\">go()</script></head>";
        let out = with_content_security_policy(html, "http://kms:9998", false).unwrap();
        // `printf 'go()' | openssl dgst -sha256 -binary | base64`
        assert!(
            out.contains("'sha256-5KYv+PUboo5h+0+YAtGRPbwv5d/QxzHslP4YGnUaxRw='"),
            "{out}"
        );
        assert!(out.contains("connect-src 'self' http://kms:9998;"), "{out}");
        assert!(
            !out.contains("blob:"),
            "only the shipped form imports a blob: {out}"
        );
        let shipped = with_content_security_policy(html, "", true).unwrap();
        assert!(
            shipped.contains("'sha256-5KYv+PUboo5h+0+YAtGRPbwv5d/QxzHslP4YGnUaxRw=' blob:;"),
            "{shipped}"
        );
        assert!(
            out.contains(
                "<meta charset=\"utf-8\" />\n    <meta http-equiv=\"Content-Security-Policy\""
            ),
            "{out}"
        );
    }

    #[test]
    fn a_page_without_the_inline_loader_is_refused() {
        assert!(with_content_security_policy("<meta charset=\"utf-8\" />", "", true).is_err());
        assert!(with_content_security_policy("<script type=\"module\">x", "", true).is_err());
    }

    #[test]
    fn every_page_is_a_split_point_of_the_app() {
        // rustfmt may wrap a call: compare without whitespace.
        let squeeze = |text: &str| text.split_whitespace().collect::<String>();
        let app = squeeze(include_str!("../../src/app.rs"));
        let config = include_str!("../../.cargo/config.toml");
        assert!(config.contains("rustflags = [\"--cfg\", \"erase_components\"]"));
        assert!(SPLIT_RUSTFLAGS.contains("--cfg erase_components"));
        assert_eq!(view_of("ImportKek"), "import_kek_view");
        for (_, variant) in route_folders(ROUTES_SOURCE) {
            let route = squeeze(&format!(
                "route(Page::{variant}) view={{Lazy::<{variant}Route>::new()}}"
            ));
            let lazy = squeeze(&format!(
                "lazy_page!({variant}Route, {}, ",
                view_of(&variant)
            ));
            assert!(app.contains(&lazy), "src/app.rs lacks `{lazy}`");
            assert!(app.contains(&route), "src/app.rs lacks `{route}`");
        }
    }

    #[test]
    fn each_route_page_preloads_its_own_pack() {
        let links = BTreeMap::from([
            ("byok_view_1".to_owned(), "<link byok>".to_owned()),
            ("import_kek_view_22".to_owned(), "<link kek>".to_owned()),
        ]);
        let html = "<head></head>";
        assert_eq!(
            with_page_pack(html, "ImportKek", &links).unwrap(),
            "<head><link kek>\n  </head>"
        );
        assert!(with_page_pack(html, "Ledger", &links).is_err());
        assert_eq!(
            with_page_pack(html, "Ledger", &BTreeMap::new()).unwrap(),
            html
        );
    }

    #[test]
    fn a_base_gets_both_slashes_and_odd_ones_are_refused() {
        assert_eq!(normalized_base("/ui/byok").unwrap(), "/ui/byok/");
        assert_eq!(normalized_base("/ui/").unwrap(), "/ui/");
        assert_eq!(normalized_base("/").unwrap(), "/");
        for bad in [
            "ui/byok",
            "/ui//byok",
            "/ui/../x",
            "/ui byok/",
            "https://x/ui/",
            "",
        ] {
            assert!(normalized_base(bad).is_err(), "{bad}");
        }
        let options = BuildOptions::parse(&["--base".into(), "/ui/byok".into(), "--raw".into()]);
        let options = options.unwrap();
        assert_eq!((options.base.as_str(), options.raw), ("/ui/byok/", true));
        assert_eq!(options.router_base(), "/ui/byok");
        assert_eq!(
            with_base("<meta charset=\"utf-8\" />", "/ui/byok"),
            "<meta charset=\"utf-8\" />\n    <meta name=\"byok-base\" content=\"/ui/byok\" />"
        );
        assert!(BuildOptions::parse(&["--bse".into()]).is_err());
    }
}
