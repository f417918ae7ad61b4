//! `cargo xtask setup`: installs what a fresh machine lacks, each tool cached by
//! its version so a warm machine checks and skips instead of rebuilding.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::process::{
    BINARYEN_VERSION, Result, TERSER_VERSION, binaryen_bin, binaryen_dir, cargo_bin_dir, command,
    home, run_step, terser_bin, terser_dir, tool_cache, version_of,
};

const TRUNK_VERSION: &str = "0.21.14";
/// Must equal the `wasm-bindgen` version pinned in the UI's Cargo.toml.
const WASM_BINDGEN_VERSION: &str = "0.2.130";
/// The AWS KMS stand-in and the pins it is known to work with.
const LOCALSTACK_PACKAGES: [&str; 5] = [
    "localstack-core[base-runtime]==2026.3.0",
    "cbor2==5.8.0",
    "pyopenssl==25.3.0",
    "cryptography==46.0.5",
    "hypercorn",
];
const LOCALSTACK_VERSION: &str = "2026.3.0";
/// Azure's and Google's published Python client libraries: the tests build each cloud's import
/// request from our files with them (tests/e2e/cloud_sdks.rs), no network.
const CLOUD_SDK_PACKAGES: [&str; 2] = ["azure-keyvault-keys==4.11.3", "google-cloud-kms==3.18.0"];
/// The folder the SDKs' virtualenv is cached in, named by both versions.
const CLOUD_SDK_VENV: &str = "cloud-sdks-4.11.3-3.18.0";
/// Injected by the browser tests to check accessibility.
const AXE_CORE_VERSION: &str = "4.14.1";
/// The OpenID Provider the end-to-end tests sign in to the KMS with (run by
/// Node from tests/e2e/support/oidc_provider.mjs; its version is repeated as
/// `OIDC_PROVIDER_VERSION` in tests/e2e/support/oidc.rs).
const OIDC_PROVIDER_VERSION: &str = "9.13.3";
/// shellcheck: the downloaded import script is checked with it (tests/e2e/import_script.rs).
/// openssl: the end-to-end OpenID Provider's JWKS certificate is made with it.
const APT_PACKAGES: [&str; 7] = [
    "libssl-dev",
    "openssl",
    "pkg-config",
    "gcc",
    "chromium",
    "chromium-driver",
    "shellcheck",
];
const KMS_BINARY: &str = "byok-kms-server";
/// The real Cosmian CLI (`ckms`), built by the same wrapper crate as the server.
const CKMS_BINARY: &str = "byok-ckms";
/// The wrapper crate whose `cosmian_kms_server = { version = "=X"` pin is the
/// one place the KMS version is written for the build.
const KMS_SERVER_MANIFEST: &str = include_str!("../../tools/kms-server/Cargo.toml");

/// What the end-to-end tests and the bench are pointed at once set up.
pub struct Installed {
    pub kms_server: PathBuf,
    /// The Cosmian CLI of the same version (the Azure interop tests).
    pub ckms: PathBuf,
    pub localstack_python: PathBuf,
    /// The Python whose virtualenv holds Azure's and Google's SDKs.
    pub cloud_sdk_python: PathBuf,
    pub aws_cli: PathBuf,
    pub axe_core_js: PathBuf,
    /// The `node_modules` folder holding npm `oidc-provider`.
    pub oidc_provider_modules: PathBuf,
}

/// Everything: the build tools, the KMS server, LocalStack, the AWS CLI and
/// the OpenID Provider.
pub fn everything() -> Result<Installed> {
    build_tools()?;
    kms_server()?;
    localstack()?;
    cloud_sdks()?;
    oidc_provider()?;
    Ok(Installed {
        kms_server: kms_binary(),
        ckms: ckms_binary(),
        localstack_python: localstack_venv().join("bin").join("python"),
        cloud_sdk_python: cloud_sdk_venv().join("bin").join("python"),
        aws_cli: aws_cli()?,
        axe_core_js: axe_core_js(),
        oidc_provider_modules: oidc_provider_modules(),
    })
}

/// The Cosmian KMS version pinned in tools/kms-server/Cargo.toml.
pub fn kms_version() -> &'static str {
    pinned_version(KMS_SERVER_MANIFEST, "cosmian_kms_server")
        .expect("tools/kms-server/Cargo.toml pins cosmian_kms_server = { version = \"=X\" … }")
}

/// `X` from a manifest line `<dependency> = { version = "=X"`.
fn pinned_version<'a>(manifest: &'a str, dependency: &str) -> Option<&'a str> {
    manifest.lines().find_map(|line| {
        let rest = line.trim().strip_prefix(dependency)?.trim_start();
        let rest = rest.strip_prefix('=')?.trim_start().strip_prefix('{')?;
        let rest = rest.trim_start().strip_prefix("version")?.trim_start();
        let rest = rest.strip_prefix('=')?.trim_start().strip_prefix("\"=")?;
        let version = &rest[..rest.find('"')?];
        (!version.is_empty()).then_some(version)
    })
}

/// What the UI build needs: apt packages (chromium among them), the wasm32
/// target, trunk, wasm-bindgen-cli, axe-core, binaryen's wasm-opt and terser.
pub fn build_tools() -> Result {
    apt()?;
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
        npm_install(&format!("binaryen@{BINARYEN_VERSION}"), &binaryen_dir())?;
    }
    if !terser_bin().exists() {
        npm_install(&format!("terser@{TERSER_VERSION}"), &terser_dir())?;
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

fn oidc_provider_modules() -> PathBuf {
    tool_cache()
        .join(format!("oidc-provider-{OIDC_PROVIDER_VERSION}"))
        .join("node_modules")
}

/// npm `oidc-provider` in its own folder, named by version.
fn oidc_provider() -> Result {
    let modules = oidc_provider_modules();
    if modules.join("oidc-provider").join("package.json").exists() {
        return Ok(());
    }
    let dir = modules.parent().expect("node_modules sits in its folder");
    npm_install(&format!("oidc-provider@{OIDC_PROVIDER_VERSION}"), dir)
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

fn apt() -> Result {
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

/// The installed `byok-kms-server` (built from tools/kms-server).
pub fn kms_binary() -> PathBuf {
    cargo_bin_dir().join(KMS_BINARY)
}

/// The installed `byok-ckms` (the Cosmian CLI, built from tools/kms-server).
pub fn ckms_binary() -> PathBuf {
    cargo_bin_dir().join(CKMS_BINARY)
}

/// Builds tools/kms-server (the server and the CLI) unless both installed
/// binaries already wrap this version. Its build folder is kept in the tool
/// cache, so a change to the wrapper alone rebuilds in minutes.
fn kms_server() -> Result {
    let version = kms_version();
    let wraps = |binary: &str, path: PathBuf| {
        version_of(path, &["--wrapper-version"]).as_deref()
            == Some(format!("{binary} {version}").as_str())
    };
    if wraps(KMS_BINARY, kms_binary()) && wraps(CKMS_BINARY, ckms_binary()) {
        return Ok(());
    }
    run_step(
        &format!(
            "building the Cosmian KMS server and CLI {version} (non-fips; about 20 minutes on 2 cores, once per machine)"
        ),
        command("cargo")
            .args([
                "install",
                "--locked",
                "--debug",
                "--force",
                "--path",
                "tools/kms-server",
            ])
            .env(
                "CARGO_TARGET_DIR",
                tool_cache().join(format!("kms-server-{version}-target")),
            ),
    )
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
                python,
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

/// LocalStack in its own virtualenv, named by version; a marker file says done.
fn localstack() -> Result {
    let venv = localstack_venv();
    let marker = venv.join(".installed");
    if marker.exists() {
        return Ok(());
    }
    let python = python_312()?;
    let _ = fs::remove_dir_all(&venv);
    run_step(
        "creating the LocalStack virtualenv",
        command(&python).arg("-m").arg("venv").arg(&venv),
    )?;
    run_step(
        &format!("installing LocalStack {LOCALSTACK_VERSION} (about 2 minutes)"),
        command(venv.join("bin").join("pip"))
            .args(["install", "--quiet", "--disable-pip-version-check"])
            .args(LOCALSTACK_PACKAGES),
    )?;
    fs::write(&marker, LOCALSTACK_PACKAGES.join("\n")).map_err(|e| e.to_string())
}

fn cloud_sdk_venv() -> PathBuf {
    tool_cache().join(CLOUD_SDK_VENV)
}

/// Azure's and Google's SDKs in a virtualenv of their own, named by versions; a marker says done.
fn cloud_sdks() -> Result {
    let venv = cloud_sdk_venv();
    let marker = venv.join(".installed");
    if marker.exists() {
        return Ok(());
    }
    let python = python_312()?;
    let _ = fs::remove_dir_all(&venv);
    run_step(
        "creating the cloud SDKs' virtualenv",
        command(&python).arg("-m").arg("venv").arg(&venv),
    )?;
    run_step(
        "installing azure-keyvault-keys and google-cloud-kms (about a minute)",
        command(venv.join("bin").join("pip"))
            .args(["install", "--quiet", "--disable-pip-version-check"])
            .args(CLOUD_SDK_PACKAGES),
    )?;
    fs::write(&marker, CLOUD_SDK_PACKAGES.join("\n")).map_err(|e| e.to_string())
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
            command(localstack_venv().join("bin").join("pip")).args([
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "awscli",
            ]),
        )?;
    }
    Ok(bundled)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kms_version_is_read_from_the_server_manifest() {
        let version = kms_version();
        assert!(
            version.split('.').count() == 3 && version.split('.').all(|p| p.parse::<u32>().is_ok()),
            "{version}"
        );
    }

    #[test]
    fn the_cli_is_pinned_to_the_servers_version() {
        assert_eq!(
            pinned_version(KMS_SERVER_MANIFEST, "ckms"),
            Some(kms_version()),
            "tools/kms-server/Cargo.toml: pin ckms to the server's version"
        );
    }

    #[test]
    fn pinned_version_reads_only_an_exact_pin_of_that_dependency() {
        let manifest = "[dependencies]\n\
                        cosmian_kms_server_extra = { version = \"=9.9.9\" }\n\
                        cosmian_kms_server = { version = \"=5.28.0\", features = [\"non-fips\"] }\n";
        assert_eq!(
            pinned_version(manifest, "cosmian_kms_server"),
            Some("5.28.0")
        );
        assert_eq!(
            pinned_version("cosmian_kms_server = \"5.28.0\"\n", "cosmian_kms_server"),
            None
        );
        assert_eq!(
            pinned_version(
                "cosmian_kms_server = { version = \"5.28\" }",
                "cosmian_kms_server"
            ),
            None
        );
        assert_eq!(pinned_version("", "cosmian_kms_server"), None);
    }
}
