//! The tags that mark a KMS object as an AWS wrapping key, written the way the
//! Cosmian CLI reads them, and read back in any of the three spellings.

use super::arn::AwsKeyArn;
use super::wrapping::{WrappingAlgorithm, algorithm_from_tags};

/// Every imported AWS KEK carries this tag.
pub const AWS_TAG: &str = "aws";
/// Prefix of the tag holding the AWS key ARN.
pub const KEY_ARN_TAG_PREFIX: &str = "key_arn:";

/// The tags for a KEK import: `aws`, `wrapping_algorithm:<CLI name>`, `key_arn:<ARN>`.
pub fn kek_tags(algorithm: WrappingAlgorithm, key_arn: Option<&AwsKeyArn>) -> Vec<String> {
    let mut tags = vec![AWS_TAG.to_owned(), algorithm.tag()];
    if let Some(arn) = key_arn {
        tags.push(format!("{KEY_ARN_TAG_PREFIX}{arn}"));
    }
    tags
}

/// What a stored object's tags say about it as an AWS KEK.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KekTags {
    pub is_aws: bool,
    /// `Err` when the algorithm tag's spelling is unknown (never defaulted).
    pub algorithm: Result<Option<WrappingAlgorithm>, String>,
    pub key_arn: Option<String>,
}

pub fn read_kek_tags(tags: &[String]) -> KekTags {
    KekTags {
        is_aws: tags.iter().any(|t| t.eq_ignore_ascii_case(AWS_TAG)),
        algorithm: algorithm_from_tags(tags),
        key_arn: tags
            .iter()
            .find_map(|t| t.strip_prefix(KEY_ARN_TAG_PREFIX))
            .map(str::to_owned),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARN: &str = "arn:aws:kms:eu-west-3:447182645454:key/350e35ef-ac51-4dbb-82a4-9bc50b0ea42b";

    #[test]
    fn tags_are_written_as_the_cli_reads_them() {
        let arn = AwsKeyArn::parse(ARN).unwrap();
        assert_eq!(
            kek_tags(WrappingAlgorithm::RsaesOaepSha256, Some(&arn)),
            vec![
                "aws",
                "wrapping_algorithm:RsaesOaepSha256",
                &format!("key_arn:{ARN}")
            ]
        );
        assert_eq!(
            kek_tags(WrappingAlgorithm::RsaAesKeyWrapSha1, None),
            vec!["aws", "wrapping_algorithm:RsaAesKeyWrapSha1"]
        );
    }

    #[test]
    fn tags_are_read_back_in_any_spelling() {
        let tags: Vec<String> = [
            "aws",
            "wrapping_algorithm:rsa-aes-key-wrap",
            &format!("key_arn:{ARN}"),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let read = read_kek_tags(&tags);
        assert!(read.is_aws);
        assert_eq!(
            read.algorithm,
            Ok(Some(WrappingAlgorithm::RsaAesKeyWrapSha256))
        );
        assert_eq!(read.key_arn.as_deref(), Some(ARN));
        let unknown = read_kek_tags(&["wrapping_algorithm:foo".to_owned()]);
        assert!(!unknown.is_aws);
        assert!(unknown.algorithm.is_err());
    }
}
