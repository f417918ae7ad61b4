//! The tags that mark a KMS object as an AWS wrapping key, written the way the
//! Cosmian CLI reads them, and read back in any of the three spellings.

use time::OffsetDateTime;

use crate::domain::aws::arn::AwsKeyArn;
use crate::domain::stored::{parse_rfc3339, rfc3339};
use crate::domain::time_display::utc_minutes;
use crate::domain::wrapping::{WRAPPING_ALGORITHM_TAG_PREFIX, WrappingAlgorithm};
use crate::domain::wrapping_key::WrappingPublicKey;

/// Every imported AWS KEK carries this tag.
pub const AWS_TAG: &str = "aws";
/// Prefix of the tag holding the AWS key ARN.
pub const KEY_ARN_TAG_PREFIX: &str = "key_arn:";
/// Prefix of the tag holding the SHA-256 of the KEK's DER in lower-case hex:
/// a repeated import is recognised from the list, without exporting anything.
/// The Cosmian CLI ignores tags it does not know.
pub const KEK_SHA256_TAG_PREFIX: &str = "kek_sha256:";
/// Prefix of the tag holding when AWS's import parameters (the wrapping key and
/// its import token) stop being valid, RFC 3339 UTC: a tag, so the CLI and any
/// KMIP client read it beside the others (the CLI writes none: "unknown validity").
pub const PARAMETERS_VALID_TO_TAG_PREFIX: &str = "parameters_valid_to:";

/// `parameters_valid_to:<RFC 3339 UTC, whole seconds>`, the time written as
/// every stored time is ([`rfc3339`]).
pub fn parameters_valid_to_tag(valid_to: OffsetDateTime) -> String {
    format!("{PARAMETERS_VALID_TO_TAG_PREFIX}{}", rfc3339(valid_to))
}

/// What is known of a stored KEK's import parameters at some time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KekValidity {
    /// No (readable) `parameters_valid_to` tag, e.g. imported by the CLI.
    Unknown,
    /// The token given with this wrapping key is still good until then.
    Until(OffsetDateTime),
    /// The token expired then: AWS refuses an import with it.
    ExpiredAt(OffsetDateTime),
}

impl KekValidity {
    pub fn of(tags: &KekTags, now: OffsetDateTime) -> Self {
        match tags.parameters_valid_to {
            None => Self::Unknown,
            Some(valid_to) if valid_to <= now => Self::ExpiredAt(valid_to),
            Some(valid_to) => Self::Until(valid_to),
        }
    }

    pub fn is_expired(self) -> bool {
        matches!(self, Self::ExpiredAt(_))
    }

    /// "import parameters expired 2026-11-28 16:00 UTC", "… valid until …", "unknown validity".
    pub fn label(self) -> String {
        match self {
            Self::Unknown => "unknown validity".to_owned(),
            Self::Until(t) => format!("import parameters valid until {}", utc_minutes(t)),
            Self::ExpiredAt(t) => format!("import parameters expired {}", utc_minutes(t)),
        }
    }
}

/// The tags for a KEK import: `aws`, `wrapping_algorithm:<CLI name>`,
/// `key_arn:<ARN>` (the three the CLI reads) and `kek_sha256:<hex>`.
pub fn kek_tags(
    algorithm: WrappingAlgorithm,
    key_arn: Option<&AwsKeyArn>,
    key: &WrappingPublicKey,
) -> Vec<String> {
    let mut tags = vec![AWS_TAG.to_owned(), algorithm.tag()];
    if let Some(arn) = key_arn {
        tags.push(format!("{KEY_ARN_TAG_PREFIX}{arn}"));
    }
    tags.push(fingerprint_tag(key));
    tags
}

/// `kek_sha256:<SHA-256 of the DER, lower-case hex>`.
pub fn fingerprint_tag(key: &WrappingPublicKey) -> String {
    format!("{KEK_SHA256_TAG_PREFIX}{}", key.sha256_hex())
}

/// What a stored object's tags say about it as an AWS KEK.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KekTags {
    pub is_aws: bool,
    /// `Err` when the algorithm tag's spelling is unknown (never defaulted).
    pub algorithm: Result<Option<WrappingAlgorithm>, String>,
    pub key_arn: Option<String>,
    /// The DER's SHA-256 (lower-case hex) when the import recorded it;
    /// `None` for KEKs imported otherwise (e.g. by the CLI) or a garbled tag.
    pub sha256: Option<String>,
    /// When the import parameters stop being valid, when the import recorded it.
    pub parameters_valid_to: Option<OffsetDateTime>,
}

pub fn read_kek_tags(tags: &[String]) -> KekTags {
    KekTags {
        is_aws: tags.iter().any(|t| t.eq_ignore_ascii_case(AWS_TAG)),
        algorithm: algorithm_from_tags(tags),
        key_arn: tags
            .iter()
            .find_map(|t| t.strip_prefix(KEY_ARN_TAG_PREFIX))
            .map(str::to_owned),
        sha256: tags
            .iter()
            .find_map(|t| t.strip_prefix(KEK_SHA256_TAG_PREFIX))
            .map(|hex| hex.trim().to_ascii_lowercase())
            .filter(|hex| hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit())),
        parameters_valid_to: tags
            .iter()
            .find_map(|t| t.strip_prefix(PARAMETERS_VALID_TO_TAG_PREFIX))
            .and_then(|text| parse_rfc3339(text.trim()).ok()),
    }
}

/// Finds the wrapping algorithm among a KEK's tags.
/// `Ok(None)`: no such tag; `Err`: a tag whose spelling is unknown.
pub fn algorithm_from_tags(tags: &[String]) -> Result<Option<WrappingAlgorithm>, String> {
    let Some(value) = tags.iter().find_map(|t| {
        t.get(..WRAPPING_ALGORITHM_TAG_PREFIX.len())
            .filter(|p| p.eq_ignore_ascii_case(WRAPPING_ALGORITHM_TAG_PREFIX))
            .map(|_| &t[WRAPPING_ALGORITHM_TAG_PREFIX.len()..])
    }) else {
        return Ok(None);
    };
    WrappingAlgorithm::parse(value).map(Some).ok_or_else(|| {
        format!(
            "the tag \"{WRAPPING_ALGORITHM_TAG_PREFIX}{value}\" names no wrapping algorithm this app knows: \
             expected one of RsaesOaepSha1, RsaesOaepSha256, RsaAesKeyWrapSha1, RsaAesKeyWrapSha256 \
             (or the AWS names); re-import the KEK with the algorithm given to get-parameters-for-import"
        )
    })
}

/// The wrapping key about to be imported, as it would be tagged.
#[derive(Clone, Copy, Debug)]
pub struct KekToImport<'a> {
    pub key: &'a WrappingPublicKey,
    pub algorithm: WrappingAlgorithm,
    pub key_arn: Option<&'a AwsKeyArn>,
}

/// How sure it is that a stored KEK is the one about to be imported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SameKek {
    /// Same public key (its fingerprint tag), same ARN, same algorithm.
    Certainly,
    /// No fingerprint tag (imported by the CLI, or before this tag existed):
    /// same ARN, algorithm and RSA size, so it may be the same key.
    Possibly,
}

/// Whether the stored KEK (its tags and size) is the one about to be imported.
/// A different algorithm is a different use of the key: not the same.
pub fn same_kek(
    stored: &KekTags,
    stored_bits: Option<i64>,
    new: &KekToImport<'_>,
) -> Option<SameKek> {
    if !stored.is_aws
        || stored.algorithm != Ok(Some(new.algorithm))
        || stored.key_arn.as_deref() != new.key_arn.map(AwsKeyArn::as_str)
    {
        return None;
    }
    match &stored.sha256 {
        Some(hex) => (*hex == new.key.sha256_hex()).then_some(SameKek::Certainly),
        // Without a fingerprint, only a shared ARN says anything.
        None => (new.key_arn.is_some() && stored_bits == Some(new.key.spec.bits() as i64))
            .then_some(SameKek::Possibly),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::aws::wrapping_key_spec::WrappingKeySpec;

    const ARN: &str = "arn:aws:kms:eu-west-3:447182645454:key/350e35ef-ac51-4dbb-82a4-9bc50b0ea42b";
    const OTHER_ARN: &str =
        "arn:aws:kms:eu-west-3:447182645454:key/11111111-2222-3333-4444-555555555555";

    fn key(byte: u8, rsa_bits: usize) -> WrappingPublicKey {
        WrappingPublicKey {
            spki_der: vec![byte; 300],
            spec: WrappingKeySpec::from_bits(rsa_bits).unwrap(),
        }
    }

    fn strings(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_algorithm_is_found_among_tags() {
        assert_eq!(
            algorithm_from_tags(&strings(&["aws", "wrapping_algorithm:rsa-oaep"])),
            Ok(Some(WrappingAlgorithm::RsaesOaepSha256))
        );
        assert_eq!(algorithm_from_tags(&strings(&["aws"])), Ok(None));
        let err = algorithm_from_tags(&strings(&["wrapping_algorithm:RsaOaep512"])).unwrap_err();
        assert!(
            err.starts_with(
                "the tag \"wrapping_algorithm:RsaOaep512\" names no wrapping algorithm"
            )
        );
    }

    #[test]
    fn tags_are_written_as_the_cli_reads_them_plus_the_fingerprint() {
        let arn = AwsKeyArn::parse(ARN).unwrap();
        let key = key(1, 2048);
        let sha = key.sha256_hex();
        assert_eq!(
            kek_tags(WrappingAlgorithm::RsaesOaepSha256, Some(&arn), &key),
            vec![
                "aws".to_owned(),
                "wrapping_algorithm:RsaesOaepSha256".to_owned(),
                format!("key_arn:{ARN}"),
                format!("kek_sha256:{sha}"),
            ]
        );
        assert_eq!(
            kek_tags(WrappingAlgorithm::RsaAesKeyWrapSha1, None, &key),
            vec![
                "aws".to_owned(),
                "wrapping_algorithm:RsaAesKeyWrapSha1".to_owned(),
                format!("kek_sha256:{sha}"),
            ]
        );
    }

    #[test]
    fn the_fingerprint_tag_is_the_sha256_of_the_der_in_lower_case_hex() {
        // SHA-256 of 300 bytes of 0x01, computed independently (Python hashlib).
        assert_eq!(
            fingerprint_tag(&key(1, 2048)),
            "kek_sha256:893c172baa019a7bc919e5b8255d39258346a9953f305d0b115076f2cc26cbed"
        );
        assert_ne!(
            fingerprint_tag(&key(1, 2048)),
            fingerprint_tag(&key(2, 2048))
        );
    }

    #[test]
    fn the_fingerprint_tag_is_read_back_and_a_garbled_one_ignored() {
        let key = key(1, 2048);
        let read = read_kek_tags(&[fingerprint_tag(&key)]);
        assert_eq!(read.sha256, Some(key.sha256_hex()));
        let upper = format!("kek_sha256:{}", key.sha256_hex().to_ascii_uppercase());
        assert_eq!(read_kek_tags(&[upper]).sha256, Some(key.sha256_hex()));
        for garbled in [
            "kek_sha256:",
            "kek_sha256:abc",
            &format!("kek_sha256:{}", "z".repeat(64)),
        ] {
            assert_eq!(
                read_kek_tags(&strings(&[garbled])).sha256,
                None,
                "{garbled}"
            );
        }
        assert_eq!(read_kek_tags(&strings(&["aws"])).sha256, None);
    }

    #[test]
    fn tags_are_read_back_in_any_spelling() {
        let tags = strings(&[
            "aws",
            "wrapping_algorithm:rsa-aes-key-wrap",
            &format!("key_arn:{ARN}"),
        ]);
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

    /// `same_kek` for a stored KEK tagged `tags` of `bits`, against the import of
    /// key 1 (RSA 2048) for `ARN` with RSAES_OAEP_SHA_256.
    fn check(tags: &[String], bits: i64, arn: Option<&str>) -> Option<SameKek> {
        let key = key(1, 2048);
        let arn = arn.map(|a| AwsKeyArn::parse(a).unwrap());
        same_kek(
            &read_kek_tags(tags),
            Some(bits),
            &KekToImport {
                key: &key,
                algorithm: WrappingAlgorithm::RsaesOaepSha256,
                key_arn: arn.as_ref(),
            },
        )
    }

    #[test]
    fn a_stored_kek_with_the_same_fingerprint_arn_and_algorithm_is_the_same() {
        let oaep = WrappingAlgorithm::RsaesOaepSha256;
        let arn = AwsKeyArn::parse(ARN).unwrap();
        let ours = kek_tags(oaep, Some(&arn), &key(1, 2048));
        assert_eq!(check(&ours, 2048, Some(ARN)), Some(SameKek::Certainly));
        // Another key, ARN or algorithm: not the same.
        let other_key = kek_tags(oaep, Some(&arn), &key(2, 2048));
        assert_eq!(check(&other_key, 2048, Some(ARN)), None);
        assert_eq!(check(&ours, 2048, Some(OTHER_ARN)), None);
        assert_eq!(check(&ours, 2048, None), None);
        let sha1 = kek_tags(WrappingAlgorithm::RsaesOaepSha1, Some(&arn), &key(1, 2048));
        assert_eq!(check(&sha1, 2048, Some(ARN)), None);
        // No ARN on either side: the fingerprint and algorithm decide.
        let no_arn = kek_tags(oaep, None, &key(1, 2048));
        assert_eq!(check(&no_arn, 2048, None), Some(SameKek::Certainly));
        assert_eq!(check(&no_arn, 2048, Some(ARN)), None);
    }

    #[test]
    fn a_cli_kek_without_fingerprint_may_be_the_same_when_arn_algorithm_and_size_match() {
        let cli = strings(&[
            "aws",
            "wrapping_algorithm:RsaesOaepSha256",
            &format!("key_arn:{ARN}"),
        ]);
        assert_eq!(check(&cli, 2048, Some(ARN)), Some(SameKek::Possibly));
        assert_eq!(check(&cli, 3072, Some(ARN)), None);
        assert_eq!(check(&cli, 2048, Some(OTHER_ARN)), None);
        // The React UI's spelling is the same algorithm.
        let react = strings(&[
            "aws",
            "wrapping_algorithm:rsa-oaep",
            &format!("key_arn:{ARN}"),
        ]);
        assert_eq!(check(&react, 2048, Some(ARN)), Some(SameKek::Possibly));
        // Without an ARN nothing ties a CLI KEK to this key.
        let bare = strings(&["aws", "wrapping_algorithm:RsaesOaepSha256"]);
        assert_eq!(check(&bare, 2048, None), None);
        // Not tagged aws, or an unknown algorithm spelling: never the same.
        let not_aws = strings(&[
            "wrapping_algorithm:RsaesOaepSha256",
            &format!("key_arn:{ARN}"),
        ]);
        assert_eq!(check(&not_aws, 2048, Some(ARN)), None);
        let odd = strings(&[
            "aws",
            "wrapping_algorithm:oaep-512",
            &format!("key_arn:{ARN}"),
        ]);
        assert_eq!(check(&odd, 2048, Some(ARN)), None);
    }

    #[test]
    fn the_parameters_validity_is_written_and_read_back() {
        use time::macros::datetime;
        let valid_to = datetime!(2026-02-19 15:07:13.227 +01:00);
        let tag = parameters_valid_to_tag(valid_to);
        assert_eq!(tag, "parameters_valid_to:2026-02-19T14:07:13Z");
        let tags = read_kek_tags(&["aws".to_owned(), tag]);
        let read = tags.parameters_valid_to.unwrap();
        assert_eq!(read, datetime!(2026-02-19 14:07:13 UTC));
        assert_eq!(
            KekValidity::of(&tags, datetime!(2026-02-19 14:00 UTC)).label(),
            "import parameters valid until 2026-02-19 14:07 UTC"
        );
        let later = KekValidity::of(&tags, datetime!(2026-02-19 14:07:13 UTC));
        assert!(later.is_expired());
        assert_eq!(
            later.label(),
            "import parameters expired 2026-02-19 14:07 UTC"
        );
    }

    /// The tag's text, byte for byte: UTC, whole seconds, `Z`, whatever the
    /// offset and fraction given (the day may change with the offset).
    #[test]
    fn the_parameters_validity_tag_is_pinned() {
        use time::macros::datetime;
        assert_eq!(
            parameters_valid_to_tag(datetime!(2026-12-31 23:30:59.999_999_999 -02:00)),
            "parameters_valid_to:2027-01-01T01:30:59Z"
        );
        assert_eq!(
            parameters_valid_to_tag(datetime!(2027-01-31 00:00 UTC)),
            "parameters_valid_to:2027-01-31T00:00:00Z"
        );
        let read = read_kek_tags(&strings(&[
            "parameters_valid_to: 2027-01-01T02:30:59+01:00 ",
        ]));
        assert_eq!(
            read.parameters_valid_to,
            Some(datetime!(2027-01-01 01:30:59 UTC))
        );
    }

    #[test]
    fn a_kek_without_or_with_a_garbled_validity_is_unknown() {
        use time::macros::datetime;
        let now = datetime!(2026-02-19 14:00 UTC);
        for tags in [
            vec!["aws".to_owned()],
            vec!["aws".to_owned(), "parameters_valid_to:tomorrow".to_owned()],
        ] {
            let validity = KekValidity::of(&read_kek_tags(&tags), now);
            assert_eq!(validity, KekValidity::Unknown);
            assert!(!validity.is_expired());
            assert_eq!(validity.label(), "unknown validity");
        }
    }
}
