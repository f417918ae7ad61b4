//! The `aws kms import-key-material` command handed to the user, quoted for a
//! POSIX shell, multi-line or one line, from typed options.

use std::fmt;

use time::{Date, Duration, OffsetDateTime};

use crate::domain::aws::arn::AwsKeyArn;
use crate::domain::cli::{ARN_PLACEHOLDER, CliCommand, shell_quote};
use crate::domain::key_material::KeyMaterialSpec;

/// `--expiration-model`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expiration {
    DoesNotExpire,
    /// Expires at 00:00 UTC on this date (`--valid-to`).
    ExpiresOn(Date),
}

impl fmt::Display for Expiration {
    /// "does not expire (KEY_MATERIAL_DOES_NOT_EXPIRE)", "expires 2027-01-31 00:00 UTC (KEY_MATERIAL_EXPIRES)".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::DoesNotExpire => f.write_str("does not expire (KEY_MATERIAL_DOES_NOT_EXPIRE)"),
            Self::ExpiresOn(date) => {
                write!(f, "expires {date} 00:00 UTC (KEY_MATERIAL_EXPIRES)")
            }
        }
    }
}

/// `--import-type` (SYMMETRIC_DEFAULT keys only).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportType {
    NewKeyMaterial,
    ExistingKeyMaterial,
}

impl ImportType {
    pub const ALL: [Self; 2] = [Self::NewKeyMaterial, Self::ExistingKeyMaterial];

    pub fn aws_name(self) -> &'static str {
        match self {
            Self::NewKeyMaterial => "NEW_KEY_MATERIAL",
            Self::ExistingKeyMaterial => "EXISTING_KEY_MATERIAL",
        }
    }

    /// Reads an AWS name back; anything else is `None`.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.aws_name() == name)
    }
}

/// Everything the command says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportCommand {
    /// `None` writes a placeholder the user must replace.
    pub key_arn: Option<AwsKeyArn>,
    /// The key material being imported: decides which options AWS accepts.
    pub material: KeyMaterialSpec,
    pub material_file: String,
    pub token_file: String,
    pub expiration: Expiration,
    /// Written only for SYMMETRIC_DEFAULT material (see [`takes_import_type_and_description`]).
    pub import_type: Option<ImportType>,
    /// Written only for SYMMETRIC_DEFAULT material (see [`takes_import_type_and_description`]).
    pub description: Option<String>,
    /// `--key-material-id`: which material a re-import restores. Written only
    /// with `import_type: Some(ExistingKeyMaterial)` on SYMMETRIC_DEFAULT
    /// material (AWS refuses it with NEW_KEY_MATERIAL and for other key specs,
    /// whose single material needs no id).
    pub key_material_id: Option<String>,
}

/// AWS accepts `--import-type` and `--key-material-description` for
/// symmetric encryption keys (SYMMETRIC_DEFAULT) only: not for HMAC, RSA or EC keys.
pub fn takes_import_type_and_description(material: KeyMaterialSpec) -> bool {
    matches!(material, KeyMaterialSpec::Aes { .. })
}

impl ImportCommand {
    /// The command, each option with its value.
    pub fn command(&self) -> CliCommand {
        let key_id = self
            .key_arn
            .as_ref()
            .map_or(ARN_PLACEHOLDER.to_owned(), ToString::to_string);
        let mut parts = vec![
            "aws kms import-key-material".to_owned(),
            format!("--key-id {}", shell_quote(&key_id)),
            format!(
                "--encrypted-key-material {}",
                shell_quote(&format!("fileb://{}", self.material_file))
            ),
            format!(
                "--import-token {}",
                shell_quote(&format!("fileb://{}", self.token_file))
            ),
        ];
        match self.expiration {
            Expiration::DoesNotExpire => {
                parts.push("--expiration-model KEY_MATERIAL_DOES_NOT_EXPIRE".to_owned())
            }
            Expiration::ExpiresOn(date) => {
                parts.push("--expiration-model KEY_MATERIAL_EXPIRES".to_owned());
                parts.push(format!("--valid-to {date}T00:00:00Z"));
            }
        }
        let symmetric_default = takes_import_type_and_description(self.material);
        if let Some(import_type) = self.import_type.filter(|_| symmetric_default) {
            parts.push(format!("--import-type {}", import_type.aws_name()));
            if let Some(id) = self
                .key_material_id
                .as_deref()
                .filter(|id| import_type == ImportType::ExistingKeyMaterial && !id.is_empty())
            {
                parts.push(format!("--key-material-id {}", shell_quote(id)));
            }
        }
        if let Some(description) = self
            .description
            .as_deref()
            .filter(|d| symmetric_default && !d.is_empty())
        {
            parts.push(format!(
                "--key-material-description {}",
                shell_quote(description)
            ));
        }
        if let Some(region) = self.key_arn.as_ref().map(AwsKeyArn::region) {
            parts.push(format!("--region {region}"));
        }
        CliCommand(parts)
    }

    pub fn multi_line(&self) -> String {
        self.command().multi_line()
    }

    pub fn one_line(&self) -> String {
        self.command().one_line()
    }
}

/// AWS allows `--valid-to` up to 365 days ahead, and it must be in the future.
pub fn check_valid_to(date: Date, now: OffsetDateTime) -> Result<(), String> {
    let valid_to = date.midnight().assume_utc();
    if valid_to <= now {
        return Err(format!(
            "The expiration date {date} is not in the future: choose a later date."
        ));
    }
    if valid_to > now + Duration::days(365) {
        return Err(format!(
            "The expiration date {date} is more than 365 days ahead; AWS accepts at most 365 days: choose an earlier date."
        ));
    }
    Ok(())
}

/// A date as `<input type="date">` gives it, `YYYY-MM-DD`: what time's
/// `[year]-[month]-[day]` accepts (an optional sign, exactly 4-2-2 digits),
/// without pulling time's format-description parser into the bundle.
pub fn parse_date(text: &str) -> Option<Date> {
    let bytes = text.as_bytes();
    let (negative, bytes) = match bytes.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, bytes),
    };
    let [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] = *bytes else {
        return None;
    };
    let number = |digits: &[u8]| {
        digits.iter().try_fold(0u16, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u16::from(c - b'0'))
        })
    };
    let year = i32::from(number(&[y0, y1, y2, y3])?);
    let month = time::Month::try_from(u8::try_from(number(&[m0, m1])?).ok()?).ok()?;
    let day = u8::try_from(number(&[d0, d1])?).ok()?;
    Date::from_calendar_date(if negative { -year } else { year }, month, day).ok()
}

/// A file name for the command and the download: no path, no control characters.
pub fn check_file_name(name: &str) -> Result<(), String> {
    if name.trim().is_empty() {
        return Err("The file name is empty: e.g. EncryptedKeyMaterial.bin.".to_owned());
    }
    if name.contains(['/', '\\']) || name.chars().any(char::is_control) {
        return Err(format!(
            "The file name \"{name}\" contains a path separator or a control character: give a plain name such as EncryptedKeyMaterial.bin."
        ));
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use time::macros::{date, datetime};

    use super::*;

    #[test]
    fn expirations_read_in_words() {
        assert_eq!(
            Expiration::DoesNotExpire.to_string(),
            "does not expire (KEY_MATERIAL_DOES_NOT_EXPIRE)"
        );
        assert_eq!(
            Expiration::ExpiresOn(time::macros::date!(2027 - 01 - 31)).to_string(),
            "expires 2027-01-31 00:00 UTC (KEY_MATERIAL_EXPIRES)"
        );
    }

    #[test]
    fn dates_parse_as_times_year_month_day_format() {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        for text in [
            "2026-02-19",
            "2024-02-29",
            "2025-02-29",
            "2026-12-31",
            "2026-13-01",
            "2026-00-10",
            "2026-01-00",
            "2026-01-32",
            "2026-1-05",
            "2026-01-5",
            "26-01-05",
            "02026-01-05",
            "+2026-01-05",
            "-0001-01-01",
            "-2026-01-05",
            "2026-01-05 ",
            " 2026-01-05",
            "2026/01/05",
            "2026-01-05T00:00",
            "",
            "abcd-ef-gh",
            "2026-0a-05",
            "0000-01-01",
            "9999-12-31",
            "+10000-01-01",
            "2026-01-0\u{663}",
            "\u{661}026-01-05",
        ] {
            assert_eq!(
                parse_date(text),
                Date::parse(text, &format).ok(),
                "{text:?}"
            );
        }
    }

    const ARN: &str = "arn:aws:kms:eu-west-3:447182645454:key/350e35ef-ac51-4dbb-82a4-9bc50b0ea42b";

    /// The seed's command: AES-256, the default file names, does not expire.
    pub(crate) fn command() -> ImportCommand {
        ImportCommand {
            key_arn: Some(AwsKeyArn::parse(ARN).unwrap()),
            material: KeyMaterialSpec::Aes { bits: 256 },
            material_file: "EncryptedKeyMaterial.bin".into(),
            token_file: "ImportToken.bin".into(),
            expiration: Expiration::DoesNotExpire,
            import_type: None,
            description: None,
            key_material_id: None,
        }
    }

    #[test]
    fn the_default_command_matches_the_seed() {
        assert_eq!(
            command().multi_line(),
            "aws kms import-key-material \\
    --key-id arn:aws:kms:eu-west-3:447182645454:key/350e35ef-ac51-4dbb-82a4-9bc50b0ea42b \\
    --encrypted-key-material fileb://EncryptedKeyMaterial.bin \\
    --import-token fileb://ImportToken.bin \\
    --expiration-model KEY_MATERIAL_DOES_NOT_EXPIRE \\
    --region eu-west-3"
        );
    }

    #[test]
    fn every_option_combination_is_written_and_quoted() {
        let mut c = command();
        c.material_file = "my key's material.bin".into();
        c.expiration = Expiration::ExpiresOn(date!(2027 - 01 - 31));
        c.import_type = Some(ImportType::ExistingKeyMaterial);
        c.description = Some("rotation #2 (2026)".into());
        assert_eq!(
            c.one_line(),
            "aws kms import-key-material --key-id arn:aws:kms:eu-west-3:447182645454:key/350e35ef-ac51-4dbb-82a4-9bc50b0ea42b \
             --encrypted-key-material 'fileb://my key'\\''s material.bin' --import-token fileb://ImportToken.bin \
             --expiration-model KEY_MATERIAL_EXPIRES --valid-to 2027-01-31T00:00:00Z \
             --import-type EXISTING_KEY_MATERIAL --key-material-description 'rotation #2 (2026)' --region eu-west-3"
        );
        let words = shell_words::split(&c.one_line()).unwrap();
        assert_eq!(words[6], "fileb://my key's material.bin");
        assert_eq!(words[16], "rotation #2 (2026)");
        assert_eq!(shell_words::split(&c.multi_line()).unwrap(), words);

        c.import_type = Some(ImportType::NewKeyMaterial);
        c.description = Some(String::new());
        c.key_arn = None;
        let words = shell_words::split(&c.one_line()).unwrap();
        assert_eq!(words[4], ARN_PLACEHOLDER);
        assert!(words.contains(&"NEW_KEY_MATERIAL".to_owned()));
        assert!(!words.contains(&"--key-material-description".to_owned()));
        assert!(!words.contains(&"--region".to_owned()));
    }

    #[test]
    fn import_type_and_description_are_written_for_symmetric_default_material_only() {
        let mut c = command();
        c.import_type = Some(ImportType::NewKeyMaterial);
        c.description = Some("rotation 2".into());
        for material in KeyMaterialSpec::all_aws() {
            c.material = material;
            let words = shell_words::split(&c.one_line()).unwrap();
            let symmetric_default = material.aws_spec() == "SYMMETRIC_DEFAULT";
            assert_eq!(
                takes_import_type_and_description(material),
                symmetric_default,
                "{material}"
            );
            for option in ["--import-type", "--key-material-description"] {
                assert_eq!(
                    words.contains(&option.to_owned()),
                    symmetric_default,
                    "{option} for {}",
                    material.aws_spec()
                );
            }
            assert_eq!(
                shell_words::split(&c.multi_line()).unwrap(),
                words,
                "{material}"
            );
        }
    }

    #[test]
    fn the_key_material_id_goes_with_existing_key_material_only() {
        let id = "a".repeat(64);
        let mut c = command();
        c.key_material_id = Some(id.clone());
        assert!(!c.one_line().contains("--key-material-id"));
        c.import_type = Some(ImportType::NewKeyMaterial);
        assert!(!c.one_line().contains("--key-material-id"));
        c.import_type = Some(ImportType::ExistingKeyMaterial);
        let words = shell_words::split(&c.one_line()).unwrap();
        let at = words.iter().position(|w| w == "--key-material-id").unwrap();
        assert_eq!(words[at - 1], "EXISTING_KEY_MATERIAL");
        assert_eq!(words[at + 1], id);
        c.material = KeyMaterialSpec::RsaPrivate { bits: 2048 };
        assert!(!c.one_line().contains("--key-material-id"));
    }

    #[test]
    fn valid_to_is_within_a_year() {
        let now = datetime!(2026-11-28 12:00 UTC);
        assert!(check_valid_to(date!(2026 - 11 - 29), now).is_ok());
        assert!(check_valid_to(date!(2027 - 11 - 28), now).is_ok());
        assert!(
            check_valid_to(date!(2027 - 11 - 29), now)
                .unwrap_err()
                .contains("more than 365 days")
        );
        assert!(
            check_valid_to(date!(2026 - 11 - 28), now)
                .unwrap_err()
                .contains("not in the future")
        );
    }

    #[test]
    fn file_names_are_plain() {
        assert!(check_file_name("EncryptedKeyMaterial.bin").is_ok());
        assert!(check_file_name("../x.bin").is_err());
        assert!(check_file_name(" ").is_err());
    }
}
