//! The AWS CLI commands the guided flow hands over (create-key,
//! get-parameters-for-import, describe-key), shell-quoted, plus reading the
//! ARN back from create-key's JSON.

use serde::Deserialize;

use crate::domain::aws::arn::{self, AwsKeyArn};
use crate::domain::aws::key_spec::{AwsKeySpec, KeyUsage};
use crate::domain::aws::wrapping_key_spec::WrappingKeySpec;
use crate::domain::cli::{ARN_PLACEHOLDER, CliCommand, shell_quote};
use crate::domain::wrapping::WrappingAlgorithm;

/// Options of `aws kms create-key`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreateKeyOptions {
    pub spec: AwsKeySpec,
    pub usage: KeyUsage,
    /// `None`: no `--description` (AWS leaves it empty).
    pub description: Option<String>,
    /// `None`: no `--region` (the CLI's default Region).
    pub region: Option<String>,
    pub multi_region: bool,
}

/// What a text field holds, trimmed: `None` when nothing is written in it.
pub fn written(text: &str) -> Option<String> {
    Some(text.trim())
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// A region for the commands, checked by [`arn::check_region`]; empty means the CLI's default.
pub fn check_region(region: &str) -> Result<(), String> {
    if region.is_empty() {
        return Ok(());
    }
    arn::check_region(region).map_err(|why| {
        format!(
            "\"{region}\" is not an AWS region name ({why}): write one such as eu-west-3, or leave it empty for your CLI's default."
        )
    })
}

pub fn create_key(options: &CreateKeyOptions) -> CliCommand {
    let mut parts = vec![
        "aws kms create-key".to_owned(),
        "--origin EXTERNAL".to_owned(),
        format!("--key-spec {}", options.spec.aws_name()),
        format!("--key-usage {}", options.usage.aws_name()),
    ];
    if let Some(description) = &options.description {
        parts.push(format!("--description {}", shell_quote(description)));
    }
    if options.multi_region {
        parts.push("--multi-region".to_owned());
    }
    if let Some(region) = &options.region {
        parts.push(format!("--region {region}"));
    }
    CliCommand(parts)
}

pub fn get_parameters_for_import(
    key_arn: Option<&AwsKeyArn>,
    algorithm: WrappingAlgorithm,
    kek: WrappingKeySpec,
) -> CliCommand {
    let mut parts = vec![
        "aws kms get-parameters-for-import".to_owned(),
        format!("--key-id {}", arn_word(key_arn)),
        format!("--wrapping-algorithm {}", algorithm.aws_name()),
        format!("--wrapping-key-spec {kek}"),
    ];
    if let Some(arn) = key_arn {
        parts.push(format!("--region {}", arn.region()));
    }
    CliCommand(parts)
}

pub fn describe_key(key_arn: Option<&AwsKeyArn>) -> CliCommand {
    let mut parts = vec![
        "aws kms describe-key".to_owned(),
        format!("--key-id {}", arn_word(key_arn)),
    ];
    if let Some(arn) = key_arn {
        parts.push(format!("--region {}", arn.region()));
    }
    CliCommand(parts)
}

/// Every material of the key, with its state and how it was rotated in.
pub fn list_key_rotations(key_arn: &AwsKeyArn) -> CliCommand {
    CliCommand(vec![
        "aws kms list-key-rotations".to_owned(),
        format!("--key-id {}", arn_word(Some(key_arn))),
        "--include-key-material ALL_KEY_MATERIAL".to_owned(),
        format!("--region {}", key_arn.region()),
    ])
}

fn arn_word(key_arn: Option<&AwsKeyArn>) -> String {
    shell_quote(&key_arn.map_or(ARN_PLACEHOLDER.to_owned(), ToString::to_string)).into_owned()
}

#[derive(Deserialize)]
struct CreateKeyOutput {
    #[serde(rename = "KeyMetadata")]
    key_metadata: KeyMetadata,
}

#[derive(Deserialize)]
struct KeyMetadata {
    #[serde(rename = "Arn")]
    arn: String,
    #[serde(rename = "Origin")]
    origin: Option<String>,
    #[serde(rename = "KeySpec")]
    key_spec: Option<String>,
}

/// The ARN from create-key's JSON output, or an ARN pasted alone. With the
/// JSON, the key must have origin EXTERNAL and the expected spec.
pub fn key_arn_from_input(input: &str, expected: AwsKeySpec) -> Result<AwsKeyArn, String> {
    let input = input.trim();
    if !input.starts_with('{') {
        return AwsKeyArn::parse(input);
    }
    let output: CreateKeyOutput = serde_json::from_str(input).map_err(|_| {
        "This is not the JSON create-key prints (no KeyMetadata.Arn): paste the whole output or just the ARN.".to_owned()
    })?;
    let metadata = output.key_metadata;
    if let Some(origin) = metadata.origin.filter(|o| o != "EXTERNAL") {
        return Err(format!(
            "This key's origin is {origin}: key material can only be imported into a key created with --origin EXTERNAL."
        ));
    }
    if let Some(spec) = metadata.key_spec.filter(|s| *s != expected.aws_name()) {
        return Err(format!(
            "This key's spec is {spec}, but step 1 chose {}: choose {spec} in step 1 or create a new key.",
            expected.aws_name()
        ));
    }
    AwsKeyArn::parse(&metadata.arn)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::key_material::{EcCurve, HmacHash};

    const ARN: &str = "arn:aws:kms:eu-west-3:447182645454:key/350e35ef-ac51-4dbb-82a4-9bc50b0ea42b";

    fn arn() -> AwsKeyArn {
        AwsKeyArn::parse(ARN).unwrap()
    }

    #[test]
    fn create_key_commands() {
        let mut options = CreateKeyOptions {
            spec: AwsKeySpec::SymmetricDefault,
            usage: KeyUsage::EncryptDecrypt,
            description: None,
            region: None,
            multi_region: false,
        };
        assert_eq!(
            create_key(&options).one_line(),
            "aws kms create-key --origin EXTERNAL --key-spec SYMMETRIC_DEFAULT --key-usage ENCRYPT_DECRYPT"
        );
        options.spec = AwsKeySpec::Ecc(EcCurve::P384);
        options.usage = KeyUsage::SignVerify;
        options.description = Some("External NIST-P384 key for signing".into());
        options.region = Some("eu-west-3".into());
        options.multi_region = true;
        assert_eq!(
            create_key(&options).multi_line(),
            "aws kms create-key \\
    --origin EXTERNAL \\
    --key-spec ECC_NIST_P384 \\
    --key-usage SIGN_VERIFY \\
    --description 'External NIST-P384 key for signing' \\
    --multi-region \\
    --region eu-west-3"
        );
        options.spec = AwsKeySpec::Hmac(HmacHash::Sha512);
        options.usage = KeyUsage::GenerateVerifyMac;
        options.description = Some("it's mine".into());
        options.multi_region = false;
        let line = create_key(&options).one_line();
        assert_eq!(
            line,
            "aws kms create-key --origin EXTERNAL --key-spec HMAC_512 --key-usage GENERATE_VERIFY_MAC --description 'it'\\''s mine' --region eu-west-3"
        );
        assert_eq!(shell_words::split(&line).unwrap()[10], "it's mine");
    }

    #[test]
    fn get_parameters_and_describe_commands() {
        assert_eq!(
            get_parameters_for_import(
                Some(&arn()),
                WrappingAlgorithm::RsaesOaepSha256,
                WrappingKeySpec::Rsa4096
            )
            .multi_line(),
            format!(
                "aws kms get-parameters-for-import \\\n    --key-id {ARN} \\\n    --wrapping-algorithm RSAES_OAEP_SHA_256 \\\n    --wrapping-key-spec RSA_4096 \\\n    --region eu-west-3"
            )
        );
        assert_eq!(
            get_parameters_for_import(
                None,
                WrappingAlgorithm::RsaAesKeyWrapSha1,
                WrappingKeySpec::Rsa2048
            )
            .one_line(),
            "aws kms get-parameters-for-import --key-id '<AWS key ARN>' --wrapping-algorithm RSA_AES_KEY_WRAP_SHA_1 --wrapping-key-spec RSA_2048"
        );
        assert_eq!(
            describe_key(Some(&arn())).one_line(),
            format!("aws kms describe-key --key-id {ARN} --region eu-west-3")
        );
        assert_eq!(
            list_key_rotations(&arn()).one_line(),
            format!(
                "aws kms list-key-rotations --key-id {ARN} --include-key-material ALL_KEY_MATERIAL --region eu-west-3"
            )
        );
    }

    #[test]
    fn the_arn_is_read_from_create_key_output() {
        let json = format!(
            r#"{{"KeyMetadata": {{"AWSAccountId": "447182645454", "KeyId": "350e35ef-ac51-4dbb-82a4-9bc50b0ea42b", "Arn": "{ARN}", "KeyState": "PendingImport", "Origin": "EXTERNAL", "KeySpec": "SYMMETRIC_DEFAULT"}}}}"#
        );
        assert_eq!(
            key_arn_from_input(&json, AwsKeySpec::SymmetricDefault).unwrap(),
            arn()
        );
        assert_eq!(
            key_arn_from_input(ARN, AwsKeySpec::Rsa(2048)).unwrap(),
            arn()
        );
        assert!(
            key_arn_from_input(&json, AwsKeySpec::Rsa(2048))
                .unwrap_err()
                .starts_with("This key's spec is SYMMETRIC_DEFAULT")
        );
        assert!(
            key_arn_from_input(
                &json.replace("EXTERNAL", "AWS_KMS"),
                AwsKeySpec::SymmetricDefault
            )
            .unwrap_err()
            .contains("--origin EXTERNAL")
        );
        assert!(key_arn_from_input("{}", AwsKeySpec::SymmetricDefault).is_err());
    }

    #[test]
    fn regions_are_checked() {
        assert!(check_region("").is_ok());
        assert!(check_region("us-gov-west-1").is_ok());
        assert_eq!(
            check_region("Paris").unwrap_err(),
            "\"Paris\" is not an AWS region name (region names are all lower case): write one such as eu-west-3, or leave it empty for your CLI's default."
        );
        // The same check as the ARN's region: the two used to disagree on this one.
        assert_eq!(
            check_region("eu--1").unwrap_err(),
            "\"eu--1\" is not an AWS region name (it has an empty part: one hyphen between parts, none at either end): write one such as eu-west-3, or leave it empty for your CLI's default."
        );
    }
}
