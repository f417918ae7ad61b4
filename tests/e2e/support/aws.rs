//! The AWS side: LocalStack's KMS (which really unwraps imported material) with
//! the real `aws` CLI pointed at it, and what AWS prints, for tests that play AWS.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use byok_ui::domain::aws::key_spec::AwsKeySpec;
use rsa::RsaPrivateKey;
use rsa::pkcs8::EncodePublicKey;
use serde_json::Value;
use time::{OffsetDateTime, UtcOffset};

use crate::paths::{free_port, scratch_dir};
use crate::processes::Owned;

const HINT: &str =
    "run `cargo xtask setup` (it installs LocalStack in a Python >= 3.12 venv and the AWS CLI)";

/// A running LocalStack KMS, stopped when dropped.
pub struct LocalStack {
    child: Owned,
    pub endpoint: String,
}

impl LocalStack {
    pub fn start() -> Self {
        let python = std::env::var_os("BYOK_LOCALSTACK_PYTHON")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                let home = std::env::var_os("HOME")
                    .map(PathBuf::from)
                    .unwrap_or_default();
                home.join(".cache/byok-ui/localstack-2026.3.0/bin/python")
            });
        assert!(
            python.exists(),
            "LocalStack's Python not found at {}: {HINT}",
            python.display()
        );
        let port = free_port();
        let dir = scratch_dir("localstack");
        let log = fs::File::create(dir.join("localstack.log")).expect("log file");
        let child = Owned::spawn(
            Command::new(&python)
                .args(["-m", "localstack.runtime.main"])
                .current_dir(&dir)
                .env("GATEWAY_SERVER", "hypercorn")
                .env("GATEWAY_LISTEN", format!("127.0.0.1:{port}"))
                .env("SERVICES", "kms")
                .env("DNS_ADDRESS", "0")
                .env("DISABLE_EVENTS", "1")
                .env("SKIP_SSL_CERT_DOWNLOAD", "1")
                .env("FILESYSTEM_ROOT", dir.join("root"))
                .stdin(Stdio::null())
                .stdout(log.try_clone().unwrap())
                .stderr(log),
            "LocalStack",
        );
        let endpoint = format!("http://127.0.0.1:{port}");
        let mut stack = Self { child, endpoint };
        let deadline = Instant::now() + Duration::from_secs(90);
        loop {
            if let Some(status) = stack.child.try_wait() {
                let log = fs::read_to_string(dir.join("localstack.log")).unwrap_or_default();
                panic!("LocalStack exited at start ({status}):\n{log}");
            }
            let health = ureq::get(&format!("{}/_localstack/health", stack.endpoint)).call();
            if let Ok(mut response) = health {
                let body = response.body_mut().read_to_string().unwrap_or_default();
                if body.contains("\"kms\"") {
                    return stack;
                }
            }
            assert!(
                Instant::now() < deadline,
                "LocalStack did not become healthy within 90 s"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Runs a shell command line (as copied from the page) with the
    /// endpoint added, dummy credentials and one attempt only.
    pub fn shell(&self, command_line: &str, cwd: &Path) -> Output {
        let aws = std::env::var("BYOK_AWS_CLI").unwrap_or_else(|_| "aws".to_owned());
        let line = format!(
            "{command_line} --endpoint-url {} --output json",
            self.endpoint
        );
        let line = match line.strip_prefix("aws ") {
            Some(rest) => format!("'{aws}' {rest}"),
            None => line,
        };
        Command::new("sh")
            .arg("-c")
            .arg(&line)
            .current_dir(cwd)
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env("AWS_DEFAULT_REGION", "eu-west-3")
            .env("AWS_MAX_ATTEMPTS", "1")
            .env("AWS_PAGER", "")
            .output()
            .unwrap_or_else(|e| panic!("cannot run the AWS CLI ({e}): {HINT}"))
    }

    /// Runs a shell script as a user on the AWS side would: `sh <script>
    /// <args>` in the script's folder, the AWS CLI's own environment pointing
    /// at this stack (`AWS_ENDPOINT_URL`, dummy credentials, no default
    /// Region). Without `aws_on_path`, no folder holding an `aws` is on PATH.
    pub fn run_script(&self, script: &Path, args: &[&str], aws_on_path: bool) -> Output {
        let aws = std::env::var("BYOK_AWS_CLI").unwrap_or_else(|_| "aws".to_owned());
        let mut path: Vec<PathBuf> =
            std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()).collect();
        let aws_dir = Path::new(&aws).parent().filter(|d| d.is_absolute());
        if aws_on_path {
            path.splice(0..0, aws_dir.map(Path::to_path_buf));
        } else {
            path.retain(|dir| !dir.join("aws").exists());
        }
        Command::new("sh")
            .arg(script)
            .args(args)
            .current_dir(script.parent().expect("the script's folder"))
            .env("PATH", std::env::join_paths(path).unwrap())
            .env("AWS_ENDPOINT_URL", &self.endpoint)
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env_remove("AWS_DEFAULT_REGION")
            .env_remove("AWS_REGION")
            .env("AWS_MAX_ATTEMPTS", "1")
            .output()
            .unwrap_or_else(|e| panic!("cannot run sh ({e})"))
    }

    /// Runs an `aws kms …` command line that must succeed; returns its JSON.
    pub fn aws(&self, command_line: &str, cwd: &Path) -> Value {
        let output = self.shell(command_line, cwd);
        assert!(
            output.status.success(),
            "`{command_line}` failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice(&output.stdout).unwrap_or(Value::Null)
    }
}

/// The AWS key the canned outputs describe.
pub const ARN: &str = "arn:aws:kms:eu-west-3:447182645454:key/350e35ef-ac51-4dbb-82a4-9bc50b0ea42b";

/// What `aws kms create-key --origin EXTERNAL` prints.
pub fn create_key_output(spec: AwsKeySpec) -> String {
    format!(
        r#"{{
    "KeyMetadata": {{
        "AWSAccountId": "447182645454",
        "KeyId": "350e35ef-ac51-4dbb-82a4-9bc50b0ea42b",
        "Arn": "{ARN}",
        "CreationDate": "2026-02-18T15:05:59.358000+01:00",
        "Enabled": false,
        "Description": "",
        "KeyState": "PendingImport",
        "Origin": "EXTERNAL",
        "KeyManager": "CUSTOMER",
        "KeySpec": "{}",
        "MultiRegion": false
    }}
}}"#,
        spec.aws_name()
    )
}

/// What `aws kms get-parameters-for-import` prints, valid until `valid_to` (shown at +01:00).
pub fn get_parameters_output(
    arn: &str,
    kek: &RsaPrivateKey,
    token: &[u8],
    valid_to: OffsetDateTime,
) -> String {
    let paris = valid_to.to_offset(UtcOffset::from_hms(1, 0, 0).unwrap());
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]+01:00"
    );
    format!(
        "{{\n    \"KeyId\": \"{arn}\",\n    \"ImportToken\": \"{}\",\n    \"PublicKey\": \"{}\",\n    \"ParametersValidTo\": \"{}\"\n}}",
        STANDARD.encode(token),
        STANDARD.encode(kek.to_public_key().to_public_key_der().unwrap().as_bytes()),
        paris.format(&format).unwrap()
    )
}
