//! `cargo xtask <command>`: reads the command, then sets up (install.rs), builds
//! (bundle.rs) and runs the KMS, the test suite or the timing bench from here.

mod bundle;
mod cache;
mod files;
mod install;
mod pages;
mod process;
mod shipped;
mod size;
mod split;

use std::env;
use std::fs;
use std::path::PathBuf;
use std::process::ExitCode;

use process::{Result, command, root, run_step, version_of};

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let outcome = match args.first().map(String::as_str) {
        Some("setup") => install::everything().map(|installed| {
            println!("setup: everything is installed; the end-to-end tests get");
            for (name, value) in e2e_env(&installed) {
                println!("  {name}={}", value.display());
            }
        }),
        Some("build") => bundle::BuildOptions::parse(&args[1..])
            .and_then(|options| install::build_tools().and_then(|()| bundle::build_with(&options))),
        Some("run") => run(&args[1..]),
        Some("test") => test(),
        Some("size") => size::report(&bundle::dist()),
        Some("bench") => bench(),
        _ => {
            println!("{}", help());
            Ok(())
        }
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

fn help() -> String {
    let kms = install::kms_version();
    format!(
        "cargo xtask <command>
  setup           install what is missing, each tool cached by version: apt packages
                  (chromium, chromium-driver, gcc, pkg-config, libssl-dev), the wasm32
                  target, trunk, wasm-bindgen-cli, wasm-opt (npm binaryen), terser (npm),
                  axe-core, the Cosmian KMS server {kms} (tools/kms-server), LocalStack, the AWS CLI,
                  the OpenID Provider of the sign-in tests (npm oidc-provider)
  build [--base /ui/byok/] [--raw] [--dist DIR]
                  install the build tools, build the bundle into dist/ (release, offline,
                  for /ui/ or the base given): the wasm precompressed with its loader
                  (--raw: Trunk's output as it is), its Content-Security-Policy, an
                  index.html in every page's folder; print its size
  run [--port N]  setup, build, then start the KMS serving the UI at /ui/ (default 9998)
  test            setup, fmt, clippy (native + wasm32), build (for /ui/, and for
                  /ui/byok/ into target/dist-byok), unit tests, tidy checks, parser
                  fuzzing, browser end-to-end tests against the KMS
  size            print the bytes a first load of dist/ downloads, then the largest
                  wasm contributors per crate and in our own code
  bench           setup, build the shipped and the raw bundle, then: bytes over the
                  wire and first usable control per page (loopback, 10 Mbit/s + 50 ms,
                  1.5 Mbit/s + 100 ms), page load and export against a plain client
                  (report in target/bench/ui-timings.md), then the scale section:
                  requests and list time at 0/50/200/1000 KEKs (target/bench/scale.md)"
    )
}

/// `cargo xtask run [--port N]`: the UI served by a local KMS until Ctrl-C.
fn run(args: &[String]) -> Result {
    let port = match args {
        [] => "9998".to_owned(),
        [flag, port] if flag == "--port" && port.parse::<u16>().is_ok() => port.clone(),
        _ => return Err("usage: cargo xtask run [--port N]".to_owned()),
    };
    let installed = install::everything()?;
    bundle::build()?;
    let data = root().join("target").join("kms-run");
    fs::create_dir_all(&data).map_err(|e| format!("cannot create {}: {e}", data.display()))?;
    println!(
        "==> starting the Cosmian KMS with the UI on port {port} (data in {})",
        data.display()
    );
    println!("    open http://127.0.0.1:{port}/ui/   (Ctrl-C stops the server)");
    let status = command(&installed.kms_server)
        .current_dir(&data)
        .args(["--hostname", "127.0.0.1", "--port", &port])
        .arg("--sqlite-path")
        .arg(data.join("db"))
        .arg("--root-data-path")
        .arg(data.join("root"))
        .arg("--ui-index-html-folder")
        .arg(bundle::dist())
        .status()
        .map_err(|e| format!("cannot start {}: {e}", installed.kms_server.display()))?;
    // Ctrl-C reaches the server too (same process group): a signal exit is a clean stop.
    if status.success() || status.code().is_none() {
        Ok(())
    } else {
        Err(format!("the KMS server stopped: {status}"))
    }
}

/// `cargo xtask test`: the whole suite, in the order a failure is cheapest.
fn test() -> Result {
    let installed = install::everything()?;
    run_step(
        "cargo fmt --check",
        command("cargo").args(["fmt", "--all", "--check"]),
    )?;
    run_step(
        "cargo clippy (native)",
        command("cargo").args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    run_step(
        "cargo clippy (wasm32)",
        command("cargo").args([
            "clippy",
            "--package",
            "byok-ui",
            "--lib",
            "--bins",
            "--target",
            "wasm32-unknown-unknown",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    bundle::build()?;
    bundle::build_with(&subfolder_build())?;
    run_step(
        "unit tests",
        command("cargo").args(["test", "--workspace", "--lib", "--bins"]),
    )?;
    run_step(
        "tidy checks (doc headers, layering, one KMS version)",
        command("cargo").args(["test", "--test", "tidy"]),
    )?;
    run_step(
        "parser fuzzing (proptest, 5000 cases per property)",
        command("cargo")
            .args(["test", "--test", "parsers_fuzz"])
            .env("PROPTEST_CASES", "5000"),
    )?;
    for program in ["/usr/bin/chromium", "/usr/bin/chromedriver"] {
        let version = version_of(program, &["--version"]);
        println!(
            "end-to-end browser part: {}",
            version.unwrap_or_else(|| format!("{program} gives no version"))
        );
    }
    run_step(
        "browser end-to-end tests against the real KMS",
        command("cargo")
            .args(["test", "--test", "e2e", "--", "--test-threads=1"])
            .envs(e2e_env(&installed)),
    )
}

/// The bundle built for `/ui/byok/`: the end-to-end tests install it beside
/// a stand-in stock UI and on a plain static server.
fn subfolder_build() -> bundle::BuildOptions {
    bundle::BuildOptions {
        base: "/ui/byok/".to_owned(),
        dist: root().join("target").join("dist-byok"),
        ..Default::default()
    }
}

/// What the end-to-end tests are told: the KMS and its CLI, the bundles, LocalStack's
/// Python, the AWS CLI, the cloud SDKs' Python, axe-core and the OpenID Provider's node_modules.
fn e2e_env(installed: &install::Installed) -> [(&'static str, PathBuf); 9] {
    [
        ("BYOK_KMS_BIN", installed.kms_server.clone()),
        ("BYOK_CKMS_BIN", installed.ckms.clone()),
        ("BYOK_DIST", bundle::dist()),
        ("BYOK_DIST_SUBFOLDER", subfolder_build().dist),
        (
            "BYOK_LOCALSTACK_PYTHON",
            installed.localstack_python.clone(),
        ),
        ("BYOK_AWS_CLI", installed.aws_cli.clone()),
        ("BYOK_CLOUD_SDK_PYTHON", installed.cloud_sdk_python.clone()),
        ("BYOK_AXE_JS", installed.axe_core_js.clone()),
        (
            "BYOK_OIDC_PROVIDER_MODULES",
            installed.oidc_provider_modules.clone(),
        ),
    ]
}

/// The bench targets `cargo xtask bench` runs, in order (each writes its
/// report under target/bench/).
const BENCHES: [&str; 2] = ["ui_timings", "scale"];

/// Where the bench's raw-bundle reference is built.
fn raw_dist() -> PathBuf {
    root().join("target").join("bench").join("dist-raw")
}

/// `cargo xtask bench`: the shipped bundle and the raw one as its reference,
/// then every bench against the real KMS.
fn bench() -> Result {
    let installed = install::everything()?;
    bundle::build()?;
    bundle::build_with(&bundle::BuildOptions {
        raw: true,
        dist: raw_dist(),
        ..Default::default()
    })?;
    for name in BENCHES {
        run_step(
            &format!("bench {name} (report in target/bench/)"),
            command("cargo")
                .args(["bench", "--bench", name])
                .env("BYOK_KMS_BIN", &installed.kms_server)
                .env("BYOK_DIST", bundle::dist())
                .env("BYOK_DIST_RAW", raw_dist()),
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    /// The modules `crate::<module>::…` paths in `module`'s source name.
    fn used_by<'a>(sources: &'a BTreeMap<String, String>, module: &str) -> Vec<&'a str> {
        sources
            .keys()
            .filter(|other| {
                *other != module && sources[module].contains(&format!("crate::{other}::"))
            })
            .map(String::as_str)
            .collect()
    }

    /// Extends `path` along the uses until it comes back to a module already
    /// on it (true: `path` ends with the cycle) or runs out.
    fn finds_a_cycle<'a>(sources: &'a BTreeMap<String, String>, path: &mut Vec<&'a str>) -> bool {
        let last = path[path.len() - 1];
        for next in used_by(sources, last) {
            let seen = path.contains(&next);
            path.push(next);
            if seen || finds_a_cycle(sources, path) {
                return true;
            }
            path.pop();
        }
        false
    }

    /// Once `bundle → shipped → split → bundle` and `shipped ↔ size`: each
    /// module uses only modules that do not use it back, shared helpers live
    /// where every user reaches them (files.rs, pages.rs).
    #[test]
    fn no_module_uses_one_that_uses_it_back() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let sources: BTreeMap<String, String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
            .filter_map(|path| {
                let module = path.file_stem()?.to_string_lossy().into_owned();
                let text = std::fs::read_to_string(&path).ok()?;
                (module != "main").then_some((module, text))
            })
            .collect();
        assert!(sources.contains_key("split"), "{:?}", sources.keys());
        for module in sources.keys() {
            let mut path = vec![module.as_str()];
            assert!(
                !finds_a_cycle(&sources, &mut path),
                "xtask's modules use one another in a cycle: {}; move what they share to a module of its own",
                path.join(" → ")
            );
        }
    }
}
