//! The JSON printed by `aws kms get-parameters-for-import`: the wrapping key,
//! the single-use import token, the key ARN and the 24 h validity.

use serde::Deserialize;
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use crate::domain::aws::arn::AwsKeyArn;
use crate::domain::base64_text::decode_base64;
use crate::domain::time_display::duration_words;

/// What get-parameters-for-import returned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportParameters {
    pub key_arn: AwsKeyArn,
    pub import_token: Vec<u8>,
    pub public_key_der: Vec<u8>,
    pub valid_to: OffsetDateTime,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Raw {
    key_id: Option<String>,
    import_token: Option<String>,
    public_key: Option<String>,
    /// RFC 3339 (AWS CLI v2, SDKs) or seconds since the epoch (AWS CLI v1).
    parameters_valid_to: Option<serde_json::Value>,
}

impl ImportParameters {
    pub fn parse(json: &str) -> Result<Self, String> {
        let raw: Raw = serde_json::from_str(json).map_err(|e| {
            format!("The text starts like JSON but is not valid JSON ({e}): paste the whole output of aws kms get-parameters-for-import.")
        })?;
        let missing = |field: &str| {
            format!(
                "The JSON has no \"{field}\": paste the whole output of aws kms get-parameters-for-import."
            )
        };
        let key_id = raw.key_id.ok_or_else(|| missing("KeyId"))?;
        let key_arn = AwsKeyArn::parse(&key_id).map_err(|e| format!("KeyId: {e}"))?;
        let import_token = decode_base64(&raw.import_token.ok_or_else(|| missing("ImportToken"))?)
            .map_err(|e| format!("ImportToken is not base64: {e}"))?;
        if import_token.is_empty() {
            return Err("ImportToken is empty.".to_owned());
        }
        let public_key_der = decode_base64(&raw.public_key.ok_or_else(|| missing("PublicKey"))?)
            .map_err(|e| format!("PublicKey is not base64: {e}"))?;
        let valid_to = parse_valid_to(
            &raw.parameters_valid_to
                .ok_or_else(|| missing("ParametersValidTo"))?,
        )?;
        Ok(Self {
            key_arn,
            import_token,
            public_key_der,
            valid_to,
        })
    }
}

fn parse_valid_to(value: &serde_json::Value) -> Result<OffsetDateTime, String> {
    let parsed = match value {
        serde_json::Value::String(text) => OffsetDateTime::parse(text.trim(), &Rfc3339).ok(),
        serde_json::Value::Number(n) => n.as_f64().and_then(|seconds| {
            OffsetDateTime::from_unix_timestamp_nanos((seconds * 1e6).round() as i128 * 1000).ok()
        }),
        _ => None,
    };
    parsed.ok_or_else(|| {
        format!(
            "ParametersValidTo {value} is not a date such as 2026-02-19T15:07:13.227000+01:00 (or seconds since 1970, as AWS CLI v1 prints)."
        )
    })
}

/// An import token pasted as base64, or inside the whole get-parameters JSON.
pub fn parse_import_token(text: &str) -> Result<(Vec<u8>, Option<ImportParameters>), String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("The import token is empty: paste the ImportToken value or the whole get-parameters-for-import output.".to_owned());
    }
    if text.starts_with('{') {
        let parameters = ImportParameters::parse(text)?;
        return Ok((parameters.import_token.clone(), Some(parameters)));
    }
    let token = decode_base64(text)
        .map_err(|e| format!("The import token is not base64: {e}. Paste the ImportToken value exactly as AWS printed it."))?;
    Ok((token, None))
}

/// How much longer get-parameters-for-import's output may be used, as a person says it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Validity {
    /// Still usable for this long.
    ValidFor(Duration),
    /// Expired this long ago.
    ExpiredAgo(Duration),
}

impl Validity {
    pub fn at(valid_to: OffsetDateTime, now: OffsetDateTime) -> Self {
        let left = valid_to - now;
        if left > Duration::ZERO {
            Self::ValidFor(left)
        } else {
            Self::ExpiredAgo(-left)
        }
    }

    pub fn is_expired(self) -> bool {
        matches!(self, Self::ExpiredAgo(_))
    }

    /// "valid for 23 h 12 min" or "expired 2 h ago".
    pub fn short(self) -> String {
        match self {
            Self::ValidFor(left) => format!("valid for {}", duration_words(left)),
            Self::ExpiredAgo(ago) => format!("expired {} ago", duration_words(ago)),
        }
    }

    /// The whole sentence: "These import parameters are valid for 23 h 12 min
    /// (…)." or "These import parameters expired 2 h ago: run
    /// get-parameters-for-import again (…)."
    pub fn sentence(self) -> String {
        match self {
            Self::ValidFor(_) => format!(
                "These import parameters are {} (valid 24 h, single use).",
                self.short()
            ),
            Self::ExpiredAgo(_) => {
                format!("These import parameters {}: {EXPIRED_FIX}.", self.short())
            }
        }
    }

    /// The phrase after "These import parameters are …, ": "valid for 23 h 12
    /// min", or "expired 2 h ago: run get-parameters-for-import again (…)";
    /// [`Validity::is_expired`] says which.
    pub fn notice(self) -> String {
        match self {
            Self::ValidFor(_) => self.short(),
            Self::ExpiredAgo(_) => format!("{}: {EXPIRED_FIX}", self.short()),
        }
    }

    /// The sentence that refuses expired parameters, `None` while they are valid.
    pub fn refusal(self) -> Option<String> {
        self.is_expired().then(|| self.sentence())
    }
}

/// What to do about expired parameters.
const EXPIRED_FIX: &str =
    "run get-parameters-for-import again (its output is valid 24 h and single use)";

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    const ARN: &str = "arn:aws:kms:eu-west-3:447182645454:key/350e35ef-ac51-4dbb-82a4-9bc50b0ea42b";

    fn json(valid_to: &str) -> String {
        format!(
            r#"{{"KeyId":"{ARN}","ImportToken":"AQID","PublicKey":"MAA=","ParametersValidTo":"{valid_to}"}}"#
        )
    }

    #[test]
    fn the_cli_output_is_read_whole() {
        let p = ImportParameters::parse(&json("2026-02-19T15:07:13.227000+01:00")).unwrap();
        assert_eq!(p.key_arn.as_str(), ARN);
        assert_eq!(p.import_token, vec![1, 2, 3]);
        assert_eq!(p.public_key_der, vec![0x30, 0]);
        assert_eq!(p.valid_to, datetime!(2026-02-19 14:07:13.227 UTC));
    }

    #[test]
    fn missing_or_bad_fields_are_named() {
        let err = |text: &str| ImportParameters::parse(text).unwrap_err();
        assert!(err("{").starts_with("The text starts like JSON but is not valid JSON"));
        assert!(err("{}").starts_with("The JSON has no \"KeyId\""));
        assert!(err(&json("tomorrow")).starts_with("ParametersValidTo \"tomorrow\" is not a date"));
        let v1 = json("x").replace("\"x\"", "1771510033.227");
        assert_eq!(
            ImportParameters::parse(&v1).unwrap().valid_to,
            datetime!(2026-02-19 14:07:13.227 UTC)
        );
        assert!(
            err(&json("x").replace(ARN, "alias/foo"))
                .starts_with("KeyId: \"alias/foo\" is not an ARN")
        );
    }

    #[test]
    fn tokens_are_read_from_base64_or_the_json() {
        assert_eq!(parse_import_token(" AQID\n").unwrap().0, vec![1, 2, 3]);
        let (token, parameters) = parse_import_token(&json("2026-02-19T15:07:13Z")).unwrap();
        assert_eq!(token, vec![1, 2, 3]);
        assert!(parameters.is_some());
        assert!(
            parse_import_token("")
                .unwrap_err()
                .starts_with("The import token is empty")
        );
        assert!(
            parse_import_token("a!b")
                .unwrap_err()
                .starts_with("The import token is not base64")
        );
    }

    #[test]
    fn validity_reads_like_a_person_would_say_it() {
        let now = datetime!(2026-02-18 15:07 UTC);
        let valid = Validity::at(datetime!(2026-02-19 14:19 UTC), now);
        assert_eq!(valid.short(), "valid for 23 h 12 min");
        assert_eq!(
            valid.sentence(),
            "These import parameters are valid for 23 h 12 min (valid 24 h, single use)."
        );
        assert_eq!(valid.refusal(), None);
        let expired = Validity::at(datetime!(2026-02-18 13:07 UTC), now);
        assert!(expired.is_expired());
        assert_eq!(expired.short(), "expired 2 h ago");
        assert_eq!(
            expired.refusal().as_deref(),
            Some(
                "These import parameters expired 2 h ago: run get-parameters-for-import again (its output is valid 24 h and single use)."
            )
        );
        assert_eq!(
            Validity::at(now + Duration::seconds(20), now).short(),
            "valid for less than a minute"
        );
        assert_eq!(
            Validity::at(now, now).short(),
            "expired less than a minute ago"
        );
        assert_eq!(
            Validity::at(now - Duration::minutes(121), now).short(),
            "expired 2 h 1 min ago"
        );
    }

    #[test]
    fn the_notice_says_the_same_without_shouting() {
        let now = datetime!(2026-02-18 15:07 UTC);
        let valid = Validity::at(datetime!(2026-02-19 14:19 UTC), now);
        assert_eq!(valid.notice(), "valid for 23 h 12 min");
        assert!(!valid.is_expired());
        let expired = Validity::at(datetime!(2026-02-18 13:07 UTC), now);
        let text = expired.notice();
        assert_eq!(
            text,
            "expired 2 h ago: run get-parameters-for-import again (its output is valid 24 h and single use)"
        );
        assert!(!text.contains("EXPIRED"));
        assert!(expired.is_expired());
    }
}
