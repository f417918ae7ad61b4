//! `cargo xtask setup|build|run|test|size`: installs what a fresh machine
//! lacks (cached by version), builds the bundle, runs the KMS, runs the suite.

use std::env;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

const TRUNK_VERSION: &str = "0.21.14";
/// Must equal the `wasm-bindgen` version pinned in the UI's Cargo.toml.
const WASM_BINDGEN_VERSION: &str = "0.2.130";
/// npm's binaryen 132 works; Debian's binaryen 108 breaks the bundle.
const BINARYEN_VERSION: &str = "132.0.0";
const KMS_VERSION: &str = "5.28.0";
/// The AWS KMS stand-in and the pins it is known to work with.
const LOCALSTACK_PACKAGES: [&str; 5] = [
    "localstack-core[base-runtime]==2026.3.0",
    "cbor2==5.8.0",
    "pyopenssl==25.3.0",
    "cryptography==46.0.5",
    "hypercorn",
];
const LOCALSTACK_VERSION: &str = "2026.3.0";
/// Injected by the browser tests to check accessibility.
const AXE_CORE_VERSION: &str = "4.14.1";
const KMS_BINARY: &str = "byok-kms-server";
const APT_PACKAGES: [&str; 5] = [
    "libssl-dev",
    "pkg-config",
    "gcc",
    "chromium",
    "chromium-driver",
];

type Result<T = ()> = std::result::Result<T, String>;

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let outcome = match args.first().map(String::as_str) {
        Some("setup") => setup(),
        Some("build") => setup_build_tools().and_then(|()| build()),
        Some("run") => run(&args[1..]),
        Some("test") => test(),
        Some("size") => size_report(),
        Some("bench") => bench(),
        _ => {
            println!("{}", HELP);
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

const HELP: &str = "cargo xtask <command>
  setup         install what is missing (apt packages, wasm32 target, trunk,
                wasm-bindgen-cli, wasm-opt, the Cosmian KMS server,
                LocalStack's KMS and the AWS CLI)
  build         build the bundle into dist/ (release, offline, for /ui/)
  run [--port N]  build, then start a local KMS serving the UI (default 9998)
  test          fmt, clippy (native + wasm32), unit tests, browser end-to-end tests
  size          print the bundle's wasm/js/css bytes, raw and gzip
  bench         timing report: page load and export in Chromium vs a plain client";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

fn cargo_bin_dir() -> PathBuf {
    env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| home().join(".cargo"))
        .join("bin")
}

fn home() -> PathBuf {
    env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| "/root".into())
}

/// Where version-named tools outside cargo live (survives fresh clones).
fn tool_cache() -> PathBuf {
    home().join(".cache").join("byok-ui")
}

fn binaryen_bin() -> PathBuf {
    tool_cache()
        .join(format!("binaryen-{BINARYEN_VERSION}"))
        .join("node_modules")
        .join(".bin")
}

/// PATH with the pinned wasm-opt and cargo's bin first.
fn tool_path() -> String {
    let mut paths = vec![binaryen_bin(), cargo_bin_dir()];
    if let Some(existing) = env::var_os("PATH") {
        paths.extend(env::split_paths(&existing));
    }
    env::join_paths(paths)
        .expect("PATH entries are valid")
        .to_string_lossy()
        .into_owned()
}

fn command(program: &str) -> Command {
    let mut cmd = Command::new(program);
    cmd.env("PATH", tool_path()).current_dir(root());
    cmd
}

fn run_step(what: &str, cmd: &mut Command) -> Result {
    println!("==> {what}");
    let _ = std::io::stdout().flush();
    let started = Instant::now();
    let status = cmd
        .status()
        .map_err(|e| format!("{what}: cannot start {:?}: {e}", cmd.get_program()))?;
    if status.success() {
        println!("    {what}: done in {:.0?}", started.elapsed());
        Ok(())
    } else {
        Err(format!("{what} failed ({status})"))
    }
}

/// The first line a tool prints for `args`, if it runs at all.
fn version_of(program: &str, args: &[&str]) -> Option<String> {
    let output = command(program).args(args).output().ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

fn setup() -> Result {
    setup_build_tools()?;
    setup_kms_server()?;
    setup_localstack()?;
    aws_cli().map(|_| ())
}

fn localstack_venv() -> PathBuf {
    tool_cache().join(format!("localstack-{LOCALSTACK_VERSION}"))
}

/// A Python ≥ 3.12 (LocalStack does not run on 3.11): pyenv's, then PATH's.
fn python_312() -> Result<PathBuf> {
    let mut candidates = Vec::new();
    let pyenv_root = version_of("pyenv", &["root"])
        .map(PathBuf::from)
        .unwrap_or_else(|| home().join(".pyenv"));
    if let Ok(entries) = fs::read_dir(pyenv_root.join("versions")) {
        let mut versions: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        versions.sort();
        candidates.extend(
            versions
                .into_iter()
                .rev()
                .map(|v| v.join("bin").join("python3")),
        );
    }
    candidates.extend(["python3.13", "python3.12", "python3"].map(PathBuf::from));
    candidates
        .into_iter()
        .find(|python| {
            version_of(
                &python.to_string_lossy(),
                &[
                    "-c",
                    "import sys; assert sys.version_info >= (3, 12); print('ok')",
                ],
            )
            .as_deref()
                == Some("ok")
        })
        .ok_or_else(|| {
            "LocalStack (the AWS KMS stand-in) needs Python >= 3.12 and none was found: \
             install one (`pyenv install 3.12` or `apt-get install python3.12-venv`) and re-run"
                .to_owned()
        })
}

fn setup_localstack() -> Result {
    let venv = localstack_venv();
    let marker = venv.join(".installed");
    if marker.exists() {
        return Ok(());
    }
    let python = python_312()?;
    let _ = fs::remove_dir_all(&venv);
    run_step(
        "creating the LocalStack virtualenv",
        command(&python.to_string_lossy())
            .arg("-m")
            .arg("venv")
            .arg(&venv),
    )?;
    run_step(
        &format!("installing LocalStack {LOCALSTACK_VERSION} (about 2 minutes)"),
        command(&venv.join("bin").join("pip").to_string_lossy())
            .args(["install", "--quiet", "--disable-pip-version-check"])
            .args(LOCALSTACK_PACKAGES),
    )?;
    fs::write(&marker, LOCALSTACK_PACKAGES.join("\n")).map_err(|e| e.to_string())
}

/// The `aws` CLI: the machine's, or one installed into the LocalStack venv.
fn aws_cli() -> Result<PathBuf> {
    if version_of("aws", &["--version"]).is_some() {
        return Ok(PathBuf::from("aws"));
    }
    let bundled = localstack_venv().join("bin").join("aws");
    if !bundled.exists() {
        run_step(
            "installing the AWS CLI (PyPI awscli)",
            command(&localstack_venv().join("bin").join("pip").to_string_lossy()).args([
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "awscli",
            ]),
        )?;
    }
    Ok(bundled)
}

fn setup_build_tools() -> Result {
    setup_apt()?;
    if !version_of("rustup", &["target", "list", "--installed"])
        .is_some_and(|t| t.lines().any(|l| l == "wasm32-unknown-unknown"))
    {
        run_step(
            "rustup target add wasm32-unknown-unknown",
            command("rustup").args(["target", "add", "wasm32-unknown-unknown"]),
        )?;
    }
    if !version_of("trunk", &["--version"]).is_some_and(|v| v.ends_with(TRUNK_VERSION)) {
        run_step(
            &format!("installing trunk {TRUNK_VERSION} (about 10 minutes on 2 cores)"),
            command("cargo").args(["install", "trunk", "--locked", "--version", TRUNK_VERSION]),
        )?;
    }
    if !version_of("wasm-bindgen", &["--version"])
        .is_some_and(|v| v.ends_with(WASM_BINDGEN_VERSION))
    {
        // `--locked` fails for this crate (a locked dependency left the registry).
        run_step(
            &format!("installing wasm-bindgen-cli {WASM_BINDGEN_VERSION} (about 5 minutes)"),
            command("cargo").args([
                "install",
                "wasm-bindgen-cli",
                "--force",
                "--version",
                WASM_BINDGEN_VERSION,
            ]),
        )?;
    }
    if !axe_core_js().exists() {
        npm_install(&format!("axe-core@{AXE_CORE_VERSION}"), &axe_core_dir())?;
    }
    if !binaryen_bin().join("wasm-opt").exists() {
        npm_install(
            &format!("binaryen@{BINARYEN_VERSION}"),
            &tool_cache().join(format!("binaryen-{BINARYEN_VERSION}")),
        )?;
    }
    Ok(())
}

fn axe_core_dir() -> PathBuf {
    tool_cache().join(format!("axe-core-{AXE_CORE_VERSION}"))
}

fn axe_core_js() -> PathBuf {
    axe_core_dir()
        .join("node_modules")
        .join("axe-core")
        .join("axe.min.js")
}

fn npm_install(package: &str, dir: &Path) -> Result {
    fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    run_step(
        &format!("installing {package} from npm (under a minute)"),
        command("npm").current_dir(dir).args([
            "install",
            "--no-audit",
            "--no-fund",
            "--prefix",
            ".",
            package,
        ]),
    )
}

fn setup_apt() -> Result {
    let missing: Vec<&str> = APT_PACKAGES
        .into_iter()
        .filter(|p| {
            !version_of("dpkg-query", &["-W", "-f=${Status}", p])
                .is_some_and(|s| s.contains("install ok installed"))
        })
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let sudo = if version_of("id", &["-u"]).as_deref() == Some("0") {
        vec![]
    } else {
        vec!["sudo"]
    };
    let apt = |args: &[&str]| -> Command {
        let mut all: Vec<&str> = sudo.clone();
        all.push("apt-get");
        all.extend_from_slice(args);
        let mut cmd = command(all[0]);
        cmd.args(&all[1..]).env("DEBIAN_FRONTEND", "noninteractive");
        cmd
    };
    run_step("apt-get update", &mut apt(&["update", "-qq"]))?;
    let mut install = vec!["install", "-y", "-qq"];
    install.extend(&missing);
    run_step(
        &format!("apt-get install {} (a few minutes)", missing.join(" ")),
        &mut apt(&install),
    )
}

fn kms_binary() -> PathBuf {
    cargo_bin_dir().join(KMS_BINARY)
}

fn setup_kms_server() -> Result {
    let wanted = format!("{KMS_BINARY} {KMS_VERSION}");
    if version_of(&kms_binary().to_string_lossy(), &["--wrapper-version"]).as_deref()
        == Some(wanted.as_str())
    {
        return Ok(());
    }
    run_step(
        &format!(
            "building the Cosmian KMS server {KMS_VERSION} (non-fips; about 15 minutes on 2 cores, once per machine)"
        ),
        command("cargo").args([
            "install",
            "--locked",
            "--debug",
            "--force",
            "--path",
            "tools/kms-server",
        ]),
    )
}

fn build() -> Result {
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
    use base64::Engine;
    use sha2::Digest;
    let path = root().join("dist").join("index.html");
    let html = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
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
    let connect =
        env::var("BYOK_CSP_CONNECT_SRC").unwrap_or_else(|_| DEFAULT_CONNECT_SRC.to_owned());
    let policy = format!(
        "default-src 'none'; script-src 'self' 'wasm-unsafe-eval' 'sha256-{hash}'; \
         style-src 'self'; img-src 'self'; connect-src 'self' {connect}; \
         base-uri 'none'; form-action 'none'"
    );
    let meta = format!("<meta http-equiv=\"Content-Security-Policy\" content=\"{policy}\" />");
    let charset = "<meta charset=\"utf-8\" />";
    let html = html.replacen(charset, &format!("{charset}\n    {meta}"), 1);
    fs::write(&path, html).map_err(|e| format!("{}: {e}", path.display()))
}

fn run(args: &[String]) -> Result {
    let port = match args {
        [] => "9998".to_owned(),
        [flag, port] if flag == "--port" && port.parse::<u16>().is_ok() => port.clone(),
        _ => return Err("usage: cargo xtask run [--port N]".to_owned()),
    };
    setup()?;
    build()?;
    let data = root().join("target").join("kms-run");
    fs::create_dir_all(&data).map_err(|e| format!("cannot create {}: {e}", data.display()))?;
    println!(
        "==> starting the Cosmian KMS with the UI on port {port} (data in {})",
        data.display()
    );
    println!("    open http://127.0.0.1:{port}/ui/   (Ctrl-C stops the server)");
    let status = command(&kms_binary().to_string_lossy())
        .current_dir(&data)
        .args(["--hostname", "127.0.0.1", "--port", &port])
        .arg("--sqlite-path")
        .arg(data.join("db"))
        .arg("--root-data-path")
        .arg(data.join("root"))
        .arg("--ui-index-html-folder")
        .arg(root().join("dist"))
        .status()
        .map_err(|e| format!("cannot start {}: {e}", kms_binary().display()))?;
    // Ctrl-C reaches the server too (same process group): a signal exit is a clean stop.
    if status.success() || status.code().is_none() {
        Ok(())
    } else {
        Err(format!("the KMS server stopped: {status}"))
    }
}

fn test() -> Result {
    setup()?;
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
    build()?;
    run_step(
        "unit tests",
        command("cargo").args(["test", "--workspace", "--lib", "--bins"]),
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
            .env("BYOK_KMS_BIN", kms_binary())
            .env("BYOK_DIST", root().join("dist"))
            .env(
                "BYOK_LOCALSTACK_PYTHON",
                localstack_venv().join("bin").join("python"),
            )
            .env("BYOK_AWS_CLI", aws_cli()?)
            .env("BYOK_AXE_JS", axe_core_js()),
    )
}

fn bench() -> Result {
    setup()?;
    build()?;
    run_step(
        "timing report (20 runs; written to target/bench/ui-timings.md)",
        command("cargo")
            .args(["bench", "--bench", "ui_timings"])
            .env("BYOK_KMS_BIN", kms_binary())
            .env("BYOK_DIST", root().join("dist")),
    )
}

fn size_report() -> Result {
    let dist = root().join("dist");
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
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(&bytes).map_err(|e| e.to_string())?;
        let gzip = encoder.finish().map_err(|e| e.to_string())?.len();
        let mut brotli_out = Vec::new();
        brotli::BrotliCompress(
            &mut &bytes[..],
            &mut brotli_out,
            &brotli::enc::BrotliEncoderParams {
                quality: 11,
                ..Default::default()
            },
        )
        .map_err(|e| e.to_string())?;
        let br = brotli_out.len();
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        rows.push((kind, name, bytes.len(), gzip, br));
    }
    rows.sort();
    println!("bundle size ({}):", dist.display());
    println!(
        "  {:<5} {:>10} {:>10} {:>10}  file",
        "kind", "raw", "gzip -9", "brotli 11"
    );
    let (mut raw_total, mut gzip_total, mut br_total) = (0, 0, 0);
    for (kind, name, raw, gzip, br) in &rows {
        println!("  {kind:<5} {raw:>10} {gzip:>10} {br:>10}  {name}");
        raw_total += raw;
        gzip_total += gzip;
        br_total += br;
    }
    println!(
        "  {:<5} {raw_total:>10} {gzip_total:>10} {br_total:>10}  (budget: 250000 gzip)",
        "total"
    );
    Ok(())
}
