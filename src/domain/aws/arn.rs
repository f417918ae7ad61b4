//! AWS KMS key ARNs (`arn:<partition>:kms:<region>:<account>:key/<key id>`),
//! checked part by part so the message says which part is wrong.

use std::fmt;

/// A checked AWS KMS key ARN.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AwsKeyArn {
    text: String,
    partition: Partition,
}

/// The AWS partitions KMS keys live in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Partition {
    Aws,
    AwsCn,
    AwsUsGov,
}

const EXAMPLE: &str = "arn:aws:kms:eu-west-3:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

impl AwsKeyArn {
    pub fn parse(input: &str) -> Result<Self, String> {
        let text = input.trim();
        if text.is_empty() {
            return Err(format!(
                "The key ARN is empty: paste the Arn from create-key's output, e.g. {EXAMPLE}."
            ));
        }
        if is_key_id(text) {
            return Err(format!(
                "\"{text}\" is a key id, not a key ARN: paste the full ARN (the \"Arn\" of create-key's output or \"KeyId\" of get-parameters-for-import), e.g. {EXAMPLE}."
            ));
        }
        let parts: Vec<&str> = text.splitn(6, ':').collect();
        let [arn, partition, service, region, account, resource] = parts.as_slice() else {
            return Err(format!(
                "\"{text}\" is not an ARN: it must have six ':'-separated parts, e.g. {EXAMPLE}."
            ));
        };
        if *arn != "arn" {
            return Err(format!(
                "\"{text}\" is not an ARN: it must start with \"arn:\", e.g. {EXAMPLE}."
            ));
        }
        let partition = match *partition {
            "aws" => Partition::Aws,
            "aws-cn" => Partition::AwsCn,
            "aws-us-gov" => Partition::AwsUsGov,
            other => {
                return Err(format!(
                    "The ARN's partition \"{other}\" is not one AWS KMS uses: expected aws, aws-cn or aws-us-gov."
                ));
            }
        };
        if *service != "kms" {
            return Err(format!(
                "This is an ARN of the \"{service}\" service; expected an AWS KMS key ARN (arn:{}:kms:...).",
                parts[1]
            ));
        }
        if let Err(why) = check_region(region) {
            return Err(format!(
                "The ARN's region \"{region}\" is not an AWS region name ({why}): expected e.g. eu-west-3 or us-gov-west-1."
            ));
        }
        if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!(
                "The ARN's account \"{account}\" must be exactly 12 digits."
            ));
        }
        if let Some(alias) = resource.strip_prefix("alias/") {
            return Err(format!(
                "This is an alias ARN (alias/{alias}); key material is imported into a key, not an alias: use the key's ARN (…:key/<key id>)."
            ));
        }
        let Some(key_id) = resource.strip_prefix("key/") else {
            return Err(format!(
                "The ARN's resource \"{resource}\" must be key/<key id>, e.g. {EXAMPLE}."
            ));
        };
        if !is_key_id(key_id) {
            return Err(format!(
                "The ARN's key id \"{key_id}\" is neither a UUID (1234abcd-12ab-34cd-56ef-1234567890ab) nor a multi-Region id (mrk- and 32 hex digits)."
            ));
        }
        Ok(Self {
            text: text.to_owned(),
            partition,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn partition(&self) -> Partition {
        self.partition
    }

    /// The region part, e.g. `eu-west-3`.
    pub fn region(&self) -> &str {
        self.text.split(':').nth(3).unwrap_or_default()
    }
}

impl fmt::Display for AwsKeyArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

fn is_hex(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

/// A key UUID or a multi-Region key id (`mrk-` + 32 hex digits).
fn is_key_id(s: &str) -> bool {
    if let Some(hex) = s.strip_prefix("mrk-") {
        return hex.len() == 32 && is_hex(hex);
    }
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, len)| g.len() == len && is_hex(g))
}

/// The one check of an AWS region name (`eu-west-3`, `us-gov-west-1`,
/// `cn-north-1`, `ap-southeast-5`): a two-letter area, one or two lower-case
/// words and a number, joined by single hyphens. The error says what is wrong
/// in words that follow "is not an AWS region name (…)".
pub fn check_region(name: &str) -> Result<(), &'static str> {
    if name.is_empty() {
        return Err("it is empty");
    }
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err("region names are all lower case");
    }
    let parts: Vec<&str> = name.split('-').collect();
    if parts.iter().any(|p| p.is_empty()) {
        return Err("it has an empty part: one hyphen between parts, none at either end");
    }
    let [area, words @ .., number] = parts.as_slice() else {
        return Err("it must be area-place-number");
    };
    if !(1..=2).contains(&words.len()) {
        return Err("it must be area-place-number, such as eu-west-3 or us-gov-west-1");
    }
    if area.len() != 2 || !area.bytes().all(|b| b.is_ascii_lowercase()) {
        return Err("it must start with a two-letter area such as eu, us or ap");
    }
    if !words
        .iter()
        .all(|w| w.bytes().all(|b| b.is_ascii_lowercase()))
    {
        return Err("the words between the hyphens must be letters only");
    }
    if number.len() > 2 || !number.bytes().all(|b| b.is_ascii_digit()) {
        return Err("it must end with the region's number, as in eu-west-3");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(arn: &str, partition: Partition) {
        assert_eq!(
            AwsKeyArn::parse(arn).unwrap().partition(),
            partition,
            "{arn}"
        );
    }
    fn err(arn: &str, starts: &str) {
        let message = AwsKeyArn::parse(arn).unwrap_err();
        assert!(message.starts_with(starts), "{arn}: {message}");
    }

    #[test]
    fn key_arns_of_every_partition_are_accepted() {
        ok(
            "arn:aws:kms:eu-west-3:447182645454:key/350e35ef-ac51-4dbb-82a4-9bc50b0ea42b",
            Partition::Aws,
        );
        ok(
            " arn:aws-cn:kms:cn-north-1:447182645454:key/350e35ef-ac51-4dbb-82a4-9bc50b0ea42b ",
            Partition::AwsCn,
        );
        ok(
            "arn:aws-us-gov:kms:us-gov-west-1:447182645454:key/mrk-1234abcd12ab34cd56ef1234567890ab",
            Partition::AwsUsGov,
        );
    }

    #[test]
    fn one_region_check_for_arns_and_commands() {
        for (name, expected) in [
            ("eu-west-3", Ok(())),
            ("us-gov-west-1", Ok(())),
            ("cn-north-1", Ok(())),
            ("ap-southeast-5", Ok(())),
            ("il-central-1", Ok(())),
            ("us-east-1", Ok(())),
            ("", Err("it is empty")),
            ("EU-WEST-3", Err("region names are all lower case")),
            ("eu-West-3", Err("region names are all lower case")),
            (
                "eu--1",
                Err("it has an empty part: one hyphen between parts, none at either end"),
            ),
            (
                "-eu-west-3",
                Err("it has an empty part: one hyphen between parts, none at either end"),
            ),
            (
                "eu-west-3-",
                Err("it has an empty part: one hyphen between parts, none at either end"),
            ),
            ("europe", Err("it must be area-place-number")),
            (
                "eu-3",
                Err("it must be area-place-number, such as eu-west-3 or us-gov-west-1"),
            ),
            (
                "us-gov-west-east-1",
                Err("it must be area-place-number, such as eu-west-3 or us-gov-west-1"),
            ),
            (
                "eur-west-3",
                Err("it must start with a two-letter area such as eu, us or ap"),
            ),
            (
                "e1-west-3",
                Err("it must start with a two-letter area such as eu, us or ap"),
            ),
            (
                "eu-we5t-3",
                Err("the words between the hyphens must be letters only"),
            ),
            (
                "eu-west 1-3",
                Err("the words between the hyphens must be letters only"),
            ),
            (
                "eu-west-3a",
                Err("it must end with the region's number, as in eu-west-3"),
            ),
            (
                "eu-west-100",
                Err("it must end with the region's number, as in eu-west-3"),
            ),
            (
                "eu-west-",
                Err("it has an empty part: one hyphen between parts, none at either end"),
            ),
        ] {
            assert_eq!(check_region(name), expected, "{name:?}");
        }
    }

    #[test]
    fn each_wrong_part_is_named() {
        err("", "The key ARN is empty");
        err(
            "350e35ef-ac51-4dbb-82a4-9bc50b0ea42b",
            "\"350e35ef-ac51-4dbb-82a4-9bc50b0ea42b\" is a key id, not a key ARN",
        );
        err(
            "arn:aws:kms:eu-west-3:447182645454:alias/my-key",
            "This is an alias ARN (alias/my-key)",
        );
        err(
            "arn:aws:kms:eu-west-3",
            "\"arn:aws:kms:eu-west-3\" is not an ARN: it must have six",
        );
        err("urn:aws:kms:eu-west-3:447182645454:key/x", "\"urn:aws:kms");
        err(
            "arn:azure:kms:eu-west-3:447182645454:key/x",
            "The ARN's partition \"azure\"",
        );
        err(
            "arn:aws:s3:eu-west-3:447182645454:key/x",
            "This is an ARN of the \"s3\" service",
        );
        err(
            "arn:aws:kms:europe:447182645454:key/x",
            "The ARN's region \"europe\" is not an AWS region name (it must be area-place-number): expected e.g. eu-west-3",
        );
        err(
            "arn:aws:kms:eu--1:447182645454:key/x",
            "The ARN's region \"eu--1\" is not an AWS region name (it has an empty part",
        );
        err(
            "arn:aws:kms:eu-west-3:4471826454:key/x",
            "The ARN's account \"4471826454\" must be exactly 12 digits",
        );
        err(
            "arn:aws:kms:eu-west-3:447182645454:secret/x",
            "The ARN's resource \"secret/x\"",
        );
        err(
            "arn:aws:kms:eu-west-3:447182645454:key/not-a-uuid",
            "The ARN's key id \"not-a-uuid\"",
        );
        err(
            "arn:aws:kms:eu-west-3:447182645454:key/350E35EF-AC51-4DBB-82A4-9BC50B0EA42B",
            "The ARN's key id",
        );
    }
}
