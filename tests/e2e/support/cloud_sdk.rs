//! Azure's and Google's published Python SDKs (azure-keyvault-keys, google-cloud-kms), run by
//! `tests/cloud_sdks.py` offline: each builds its cloud's import request from our files.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::paths::workspace;

const HINT: &str = "run `cargo xtask setup` (it installs azure-keyvault-keys and google-cloud-kms into \
     ~/.cache/byok-ui/cloud-sdks-4.11.3-3.18.0), or set BYOK_CLOUD_SDK_PYTHON to a Python that has both";

/// The SDKs' Python: `BYOK_CLOUD_SDK_PYTHON`, else where setup puts it; missing fails the test.
fn python() -> PathBuf {
    let python = std::env::var_os("BYOK_CLOUD_SDK_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let home = std::env::var_os("HOME")
                .map(PathBuf::from)
                .unwrap_or_default();
            home.join(".cache/byok-ui/cloud-sdks-4.11.3-3.18.0/bin/python")
        });
    assert!(
        python.exists(),
        "the cloud SDKs' Python is not at {}: {HINT}",
        python.display()
    );
    python
}

/// `request` (with its `cloud`) through the SDK; its JSON answer. An SDK refusal fails the test.
pub fn build(request: &Value) -> Value {
    let mut child = Command::new(python())
        .arg(workspace().join("tests").join("cloud_sdks.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run the cloud SDKs' Python ({e}): {HINT}"));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(request.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "the cloud's SDK refused {request}:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("tests/cloud_sdks.py prints JSON")
}
