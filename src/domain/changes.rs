//! What changed in a stored object between the moment a page listed it and the moment
//! the user acts on it (another client may replace a key), said in the user's words.

use crate::domain::aws::kek_tags::read_kek_tags;
use crate::domain::azure::kek_tags::read_azure_kek_tags;
use crate::domain::google::kek_tags::{
    EXPIRE_TIME_TAG_PREFIX, IMPORT_JOB_TAG_PREFIX, IMPORT_METHOD_TAG_PREFIX,
    PROTECTION_LEVEL_TAG_PREFIX,
};
use crate::kmip::ObjectAttributes;
#[cfg(test)]
use crate::kmip::{CryptographicAlgorithm, ObjectType, State};

/// One line per attribute that matters to an export and differs, e.g.
/// "wrapping algorithm RSAES_OAEP_SHA_256 → RSAES_OAEP_SHA_1"; empty when none does.
pub fn changes_since_listed(listed: &ObjectAttributes, now: &ObjectAttributes) -> Vec<String> {
    let describe = |o: &ObjectAttributes| -> [(&'static str, String); 12] {
        let tags = read_kek_tags(&o.tags);
        // A Google job's tags as written (the export reads them again at the click).
        let google = |prefix: &str| {
            o.tags
                .iter()
                .find_map(|t| t.strip_prefix(prefix))
                .unwrap_or("none")
                .to_owned()
        };
        let azure = read_azure_kek_tags(&o.tags);
        fn text<T: ToString>(v: &Option<T>) -> String {
            v.as_ref().map_or_else(|| "none".to_owned(), T::to_string)
        }
        [
            ("object type", text(&o.object_type)),
            ("algorithm", text(&o.algorithm)),
            (
                "size",
                o.length_bits
                    .map(|b| format!("{b} bits"))
                    .unwrap_or_else(|| "none".to_owned()),
            ),
            ("curve", text(&o.curve)),
            ("state", text(&o.state)),
            (
                "wrapping algorithm",
                match tags.algorithm {
                    Ok(Some(algorithm)) => algorithm.aws_name().to_owned(),
                    Ok(None) => "none".to_owned(),
                    Err(_) => "an unknown tag".to_owned(),
                },
            ),
            ("AWS key ARN", text(&tags.key_arn)),
            (
                "Azure kid",
                match azure.kid {
                    Some(Ok(kid)) => kid.to_string(),
                    Some(Err(_)) => "an unusable tag".to_owned(),
                    None => "none".to_owned(),
                },
            ),
            ("Google import job", google(IMPORT_JOB_TAG_PREFIX)),
            ("Google import method", google(IMPORT_METHOD_TAG_PREFIX)),
            (
                "Google protection level",
                google(PROTECTION_LEVEL_TAG_PREFIX),
            ),
            ("Google job expiry", google(EXPIRE_TIME_TAG_PREFIX)),
        ]
    };
    describe(listed)
        .into_iter()
        .zip(describe(now))
        .filter(|((_, before), (_, after))| before != after)
        .map(|((what, before), (_, after))| format!("{what} {before} → {after}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kek(algorithm: &str, arn: &str, bits: i64) -> ObjectAttributes {
        ObjectAttributes {
            unique_identifier: "kek".into(),
            object_type: Some(ObjectType::PublicKey),
            algorithm: Some(CryptographicAlgorithm::Rsa),
            length_bits: Some(bits),
            state: Some(State::Active),
            tags: vec![
                "aws".into(),
                format!("wrapping_algorithm:{algorithm}"),
                format!("key_arn:{arn}"),
            ],
            ..Default::default()
        }
    }

    const ARN_1: &str = "arn:aws:kms:eu-west-3:111122223333:key/1";
    const ARN_2: &str = "arn:aws:kms:eu-west-3:111122223333:key/2";

    #[test]
    fn an_unchanged_object_has_no_changes() {
        let listed = kek("RSAES_OAEP_SHA_256", ARN_1, 2048);
        assert!(changes_since_listed(&listed, &listed.clone()).is_empty());
    }

    #[test]
    fn a_replaced_kek_names_each_difference() {
        let listed = kek("RSAES_OAEP_SHA_256", ARN_1, 2048);
        let now = kek("RSAES_OAEP_SHA_1", ARN_2, 4096);
        assert_eq!(
            changes_since_listed(&listed, &now),
            vec![
                "size 2048 bits → 4096 bits".to_owned(),
                "wrapping algorithm RSAES_OAEP_SHA_256 → RSAES_OAEP_SHA_1".to_owned(),
                format!("AWS key ARN {ARN_1} → {ARN_2}"),
            ]
        );
    }

    #[test]
    fn state_and_lost_tags_are_changes_other_tags_are_not() {
        let listed = kek("RSAES_OAEP_SHA_256", ARN_1, 2048);
        let mut now = listed.clone();
        now.state = Some(State::Deactivated);
        now.tags = vec!["aws".into(), "team-a".into()];
        assert_eq!(
            changes_since_listed(&listed, &now),
            vec![
                "state Active → Deactivated".to_owned(),
                "wrapping algorithm RSAES_OAEP_SHA_256 → none".to_owned(),
                format!("AWS key ARN {ARN_1} → none"),
            ]
        );
        let mut retagged = listed.clone();
        retagged.tags.push(
            "kid:https://vlt1.vault.azure.net/keys/kek/664f5aa2797a4075b8e36ca4500636d8".into(),
        );
        assert_eq!(
            changes_since_listed(&listed, &retagged),
            vec![
                "Azure kid none → https://vlt1.vault.azure.net/keys/kek/664f5aa2797a4075b8e36ca4500636d8"
                    .to_owned()
            ]
        );
        let mut relabelled = listed.clone();
        relabelled.tags.push("team-a".into());
        assert!(changes_since_listed(&listed, &relabelled).is_empty());
    }

    #[test]
    fn a_google_job_retagged_by_another_client_is_a_change() {
        let job = |method: &str| ObjectAttributes {
            tags: vec![
                "google".into(),
                "import_job:projects/p/locations/l/keyRings/r/importJobs/j".into(),
                format!("import_method:{method}"),
                "protection_level:HSM".into(),
            ],
            ..kek("RSAES_OAEP_SHA_256", ARN_1, 3072)
        };
        let listed = job("rsa-oaep-3072-sha256-aes-256");
        let mut now = job("rsa-oaep-3072-sha1-aes-256");
        now.tags.retain(|t| !t.starts_with("protection_level:"));
        now.tags.push("expire_time:2026-12-10T10:00:00Z".into());
        assert_eq!(
            changes_since_listed(&listed, &now),
            vec![
                "Google import method rsa-oaep-3072-sha256-aes-256 → rsa-oaep-3072-sha1-aes-256"
                    .to_owned(),
                "Google protection level HSM → none".to_owned(),
                "Google job expiry none → 2026-12-10T10:00:00Z".to_owned(),
            ]
        );
    }
}
