//! The guided flow's inputs as plain values and its cross-step rules (what step 3
//! must agree with, what step 5 will do), pure so every rule is unit-tested.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::OffsetDateTime;

use crate::domain::aws::arn::AwsKeyArn;
use crate::domain::aws::cli::key_arn_from_input;
use crate::domain::aws::import_parameters::Validity;
use crate::domain::aws::kek;
use crate::domain::aws::key_spec::{AwsKeySpec, KeyUsage};
use crate::domain::aws::outputs::another_account_words;
use crate::domain::aws::rules::check_states;
use crate::domain::aws::wrapping_key_spec::WrappingKeySpec;
use crate::domain::key_material::KeyMaterialSpec;
use crate::domain::wrapping::WrappingAlgorithm;
use crate::domain::wrapping_key::WrappingPublicKey;
use crate::kmip::{ObjectAttributes, State};

/// Everything the user entered in the five steps: what this tab's
/// sessionStorage keeps (no secrets: the KEK is public, the token single-use).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GuidedInput {
    #[serde(with = "by_aws_name")]
    pub spec: AwsKeySpec,
    #[serde(with = "by_aws_name")]
    pub usage: KeyUsage,
    pub description: String,
    pub region: String,
    pub multi_region: bool,
    /// Step 2: the key ARN, or the whole create-key output.
    pub arn_input: String,
    #[serde(with = "by_aws_name")]
    pub algorithm: WrappingAlgorithm,
    /// Step 2: the size of the wrapping key to ask AWS for.
    #[serde(with = "by_aws_name")]
    pub kek: WrappingKeySpec,
    /// Step 3: the pasted get-parameters-for-import output.
    pub parameters: String,
    /// Step 3: WrappingPublicKey.bin, when chosen as a file.
    #[serde(with = "base64_bytes")]
    pub public_key: Option<Vec<u8>>,
    /// Step 3: ImportToken.bin, when chosen as a file.
    #[serde(with = "base64_bytes")]
    pub token: Option<Vec<u8>>,
    pub use_existing: bool,
    /// Step 4: the existing key chosen; `None` while none is.
    #[serde(with = "empty_is_none")]
    pub existing_id: Option<String>,
    /// Key material created by an earlier, interrupted run: reused, never duplicated.
    #[serde(with = "empty_is_none")]
    pub created_key_id: Option<String>,
}

impl Default for GuidedInput {
    fn default() -> Self {
        let spec = AwsKeySpec::SymmetricDefault;
        let (algorithm, kek) = spec.recommended_wrapping();
        Self {
            spec,
            usage: spec.key_usages()[0],
            description: String::new(),
            region: String::new(),
            multi_region: false,
            arn_input: String::new(),
            algorithm,
            kek,
            parameters: String::new(),
            public_key: None,
            token: None,
            use_existing: false,
            existing_id: None,
            created_key_id: None,
        }
    }
}

impl GuidedInput {
    /// Restores a saved draft; one that does not fit its spec is fitted
    /// silently, one that cannot be read gives the start values.
    pub fn from_json(json: &str) -> Self {
        let mut input: Self = serde_json::from_str(json).unwrap_or_default();
        let fitted = input
            .spec
            .fit_choices(input.usage, input.algorithm, input.kek);
        (input.usage, input.algorithm, input.kek) = (fitted.usage, fitted.algorithm, fitted.kek);
        input
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Switches to `spec`, fitting the usage and wrapping to it; returns a
    /// sentence for each choice that had to change, and why.
    pub fn switch_spec(&mut self, spec: AwsKeySpec) -> Vec<String> {
        let fitted = spec.fit_choices(self.usage, self.algorithm, self.kek);
        self.spec = spec;
        (self.usage, self.algorithm, self.kek) = (fitted.usage, fitted.algorithm, fitted.kek);
        // Material made for another spec must not be reused.
        self.created_key_id = None;
        fitted.changes
    }

    /// Chooses a wrapping algorithm, keeping the wrapping key size when the
    /// spec allows it with that algorithm, else taking the largest allowed.
    pub fn choose_algorithm(&mut self, algorithm: WrappingAlgorithm) {
        self.algorithm = algorithm;
        let allowed = self.spec.allowed_wrappings();
        if !allowed.contains(&(algorithm, self.kek))
            && let Some((_, kek)) = allowed.iter().rev().find(|(a, _)| *a == algorithm)
        {
            self.kek = *kek;
        }
    }

    /// The algorithms step 2 offers for the spec.
    pub fn algorithm_choices(&self) -> Vec<WrappingAlgorithm> {
        let allowed = self.spec.allowed_wrappings();
        WrappingAlgorithm::ALL
            .into_iter()
            .filter(|a| allowed.iter().any(|(x, _)| x == a))
            .collect()
    }

    /// The wrapping key sizes step 2 offers for the spec and algorithm.
    pub fn size_choices(&self) -> Vec<WrappingKeySpec> {
        self.spec
            .allowed_wrappings()
            .into_iter()
            .filter(|(a, _)| *a == self.algorithm)
            .map(|(_, kek)| kek)
            .collect()
    }

    /// Step 2's ARN: `None` while empty.
    pub fn key_arn(&self) -> Option<Result<AwsKeyArn, String>> {
        (!self.arn_input.trim().is_empty()).then(|| key_arn_from_input(&self.arn_input, self.spec))
    }

    /// Whether step 3 holds anything to check.
    pub fn has_parameters(&self) -> bool {
        !self.parameters.trim().is_empty() || self.public_key.is_some()
    }
}

/// What step 3 gathered: the wrapping key and token AWS returned.
#[derive(Clone, Debug, PartialEq)]
pub struct AwsParameters {
    pub key: WrappingPublicKey,
    pub token: Vec<u8>,
    pub key_arn: Option<AwsKeyArn>,
    pub valid_to: Option<OffsetDateTime>,
}

/// Reads step 3 and checks it against steps 1–2.
pub fn check_parameters(input: &GuidedInput, now: OffsetDateTime) -> Result<AwsParameters, String> {
    let (mut key, mut token, mut key_arn, mut valid_to) = (None, input.token.clone(), None, None);
    if !input.parameters.trim().is_empty() {
        let parsed = kek::parse_text(&input.parameters)?;
        key = Some(parsed.key);
        if let Some(p) = parsed.parameters {
            token = Some(p.import_token);
            key_arn = Some(p.key_arn);
            valid_to = Some(p.valid_to);
        }
    } else if let Some(der) = &input.public_key {
        key = Some(kek::parse_file(der).map(|i| i.key)?);
    }
    let key = key.ok_or(
        "Paste the JSON output of get-parameters-for-import, or choose WrappingPublicKey.bin and ImportToken.bin.",
    )?;
    let token = token.ok_or(
        "The import token is missing: choose ImportToken.bin, or paste the whole JSON output.",
    )?;
    if let Some(refusal) = valid_to.and_then(|v| Validity::at(v, now).refusal()) {
        return Err(refusal);
    }
    if let (Some(from_aws), Some(Ok(chosen))) = (&key_arn, input.key_arn())
        && *from_aws != chosen
    {
        return Err(format!(
            "These parameters are for {from_aws}{}, but step 2's key is {chosen}: run get-parameters-for-import for step 2's key, or correct step 2.",
            another_account_words(Some(from_aws), &chosen)
        ));
    }
    if key.spec != input.kek {
        return Err(format!(
            "The wrapping key is {}, but step 2 asked for {}: run the step 2 command as shown (the wrapping algorithm must match too).",
            key.spec, input.kek
        ));
    }
    Ok(AwsParameters {
        key,
        token,
        key_arn,
        valid_to,
    })
}

/// Why a stored key is or is not offered in step 4 for the chosen spec.
pub fn compatibility(spec: AwsKeySpec, object: &ObjectAttributes) -> Result<(), String> {
    let material = KeyMaterialSpec::from_attributes(object)?;
    if material != spec.material() {
        return Err(format!("it is {material}, not {}", spec.material()));
    }
    check_states(object.state.as_ref(), Some(&State::Active))
}

/// Everything step 5 sends, checked.
#[derive(Clone, Debug, PartialEq)]
pub struct GuidedPlan {
    pub spec: AwsKeySpec,
    pub usage: KeyUsage,
    /// The existing or earlier-created key to use; `None`: create one.
    pub key_id: Option<String>,
    pub kek: WrappingPublicKey,
    pub algorithm: WrappingAlgorithm,
    pub key_arn: Option<AwsKeyArn>,
    pub token: Vec<u8>,
    /// When the pasted parameters stop being valid (recorded on the KEK).
    pub parameters_valid_to: Option<OffsetDateTime>,
}

impl GuidedPlan {
    /// "create …;", "import the wrapping key …;", "export ….": what a run will do.
    pub fn lines(&self) -> Vec<String> {
        let material = match &self.key_id {
            None => format!(
                "create {} key material ({})",
                self.spec.aws_name(),
                self.spec.material()
            ),
            Some(key_id) => format!("use the key {key_id}"),
        };
        let arn = self
            .key_arn
            .as_ref()
            .map(|a| format!(", key_arn:{a}"))
            .unwrap_or_default();
        vec![
            format!("{material};"),
            format!(
                "import the wrapping key ({}) tagged aws, {}{arn};",
                self.kek.spec,
                self.algorithm.tag()
            ),
            format!("export the key material wrapped with {}.", self.algorithm),
        ]
    }
}

/// Checks every step and says what step 5 will do, or the first thing to fix.
pub fn plan(input: &GuidedInput, now: OffsetDateTime) -> Result<GuidedPlan, String> {
    let parameters = check_parameters(input, now)?;
    let step2_arn = input
        .key_arn()
        .transpose()
        .map_err(|e| format!("Step 2: {e}"))?;
    let key_id = if input.use_existing {
        let Some(existing_id) = &input.existing_id else {
            return Err(
                "Step 4: choose one of the compatible keys, or create new key material.".to_owned(),
            );
        };
        Some(existing_id.clone())
    } else {
        input.created_key_id.clone()
    };
    Ok(GuidedPlan {
        spec: input.spec,
        usage: input.usage,
        key_id,
        kek: parameters.key,
        algorithm: input.algorithm,
        key_arn: parameters.key_arn.or(step2_arn),
        token: parameters.token,
        parameters_valid_to: parameters.valid_to,
    })
}

/// Stores the three choice enums by their AWS names.
mod by_aws_name {
    use super::*;

    pub trait AwsName: Sized {
        fn name(&self) -> String;
        fn from_name(name: &str) -> Option<Self>;
    }

    impl AwsName for AwsKeySpec {
        fn name(&self) -> String {
            self.aws_name()
        }
        fn from_name(name: &str) -> Option<Self> {
            Self::parse(name)
        }
    }

    impl AwsName for KeyUsage {
        fn name(&self) -> String {
            self.aws_name().to_owned()
        }
        fn from_name(name: &str) -> Option<Self> {
            Self::parse(name)
        }
    }

    impl AwsName for WrappingKeySpec {
        fn name(&self) -> String {
            self.aws_name().to_owned()
        }
        fn from_name(name: &str) -> Option<Self> {
            Self::parse(name)
        }
    }

    impl AwsName for WrappingAlgorithm {
        fn name(&self) -> String {
            self.aws_name().to_owned()
        }
        fn from_name(name: &str) -> Option<Self> {
            Self::parse(name)
        }
    }

    pub fn serialize<T: AwsName, S: Serializer>(value: &T, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&value.name())
    }

    pub fn deserialize<'de, T: AwsName, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
        let name = String::deserialize(d)?;
        T::from_name(&name).ok_or_else(|| serde::de::Error::custom(format!("unknown name {name}")))
    }
}

/// Stores an optional id as its text, `None` as "" (the draft's form since
/// before these were `Option`s, so a draft written then reads back the same);
/// reads "", `null` or a missing member as `None`.
mod empty_is_none {
    use super::*;

    pub fn serialize<S: Serializer>(id: &Option<String>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(id.as_deref().unwrap_or_default())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        Ok(Option::<String>::deserialize(d)?.filter(|id| !id.is_empty()))
    }
}

/// Stores chosen files as base64 text ("" for none).
mod base64_bytes {
    use super::*;

    pub fn serialize<S: Serializer>(bytes: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(
            &bytes
                .as_ref()
                .map(|b| STANDARD.encode(b))
                .unwrap_or_default(),
        )
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<u8>>, D::Error> {
        let text = String::deserialize(d)?;
        Ok((!text.is_empty())
            .then(|| STANDARD.decode(text).ok())
            .flatten())
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;
    use crate::domain::key_material::HmacHash;
    use crate::kmip::{CryptographicAlgorithm, ObjectType};

    macro_rules! fixture {
        ($name:literal) => {
            include_bytes!(concat!("../../../tests/fixtures/", $name)).as_slice()
        };
    }

    const ARN: &str = "arn:aws:kms:eu-west-3:111122223333:key/350e35ef-ac51-4dbb-82a4-9bc50b0ea42b";
    const OTHER_ARN: &str =
        "arn:aws:kms:eu-west-3:111122223333:key/11111111-2222-3333-4444-555555555555";
    const NOW: OffsetDateTime = datetime!(2026-02-19 12:00 UTC);

    fn parameters_json(arn: &str, spki: &[u8], valid_to: &str) -> String {
        format!(
            r#"{{"KeyId":"{arn}","ImportToken":"{}","PublicKey":"{}","ParametersValidTo":"{valid_to}"}}"#,
            STANDARD.encode([7u8; 64]),
            STANDARD.encode(spki),
        )
    }

    /// Steps 1–3 filled in for an AES key, a 4096-bit KEK and step 2's ARN.
    fn filled() -> GuidedInput {
        GuidedInput {
            arn_input: ARN.to_owned(),
            kek: WrappingKeySpec::Rsa4096,
            parameters: parameters_json(ARN, fixture!("rsa4096.spki.der"), "2026-02-20T12:00:00Z"),
            ..GuidedInput::default()
        }
    }

    fn check(input: GuidedInput, expected: Result<&str, &str>) {
        let got = check_parameters(&input, NOW).map(|p| p.key.summary());
        match (got, expected) {
            (Ok(summary), Ok(part)) => assert!(summary.contains(part), "{summary}"),
            (Err(message), Err(part)) => assert!(message.contains(part), "{message}"),
            (got, expected) => panic!("got {got:?}, expected {expected:?}"),
        }
    }

    #[test]
    fn step_three_is_checked_against_steps_one_and_two() {
        check(filled(), Ok("RSA 4096-bit"));
        check(GuidedInput::default(), Err("Paste the JSON output"));
        check(
            GuidedInput {
                arn_input: OTHER_ARN.to_owned(),
                ..filled()
            },
            Err("but step 2's key is"),
        );
        check(
            GuidedInput {
                kek: WrappingKeySpec::Rsa2048,
                ..filled()
            },
            Err("The wrapping key is RSA_4096, but step 2 asked for RSA_2048"),
        );
        check(
            GuidedInput {
                parameters: parameters_json(
                    ARN,
                    fixture!("rsa4096.spki.der"),
                    "2026-02-19T11:00:00Z",
                ),
                ..filled()
            },
            Err("expired"),
        );
        // A file without its token is not enough.
        check(
            GuidedInput {
                parameters: String::new(),
                public_key: Some(fixture!("rsa4096.spki.der").to_vec()),
                ..filled()
            },
            Err("The import token is missing"),
        );
        check(
            GuidedInput {
                parameters: String::new(),
                public_key: Some(fixture!("rsa4096.spki.der").to_vec()),
                token: Some(vec![1; 32]),
                ..filled()
            },
            Ok("RSA 4096-bit"),
        );
    }

    #[test]
    fn the_plan_says_what_step_five_will_do_or_what_to_fix() {
        let plan_of = |input: GuidedInput| plan(&input, NOW);
        let new = plan_of(filled()).unwrap();
        assert_eq!(new.key_id, None);
        assert_eq!(new.key_arn.unwrap().to_string(), ARN);
        assert_eq!(new.token, vec![7; 64]);
        assert_eq!(
            plan_of(filled()).unwrap().lines()[0],
            "create SYMMETRIC_DEFAULT key material (AES-256 key);"
        );
        assert_eq!(
            plan_of(GuidedInput {
                use_existing: true,
                ..filled()
            })
            .unwrap_err(),
            "Step 4: choose one of the compatible keys, or create new key material."
        );
        let existing = plan_of(GuidedInput {
            use_existing: true,
            existing_id: Some("aes-1".into()),
            ..filled()
        })
        .unwrap();
        assert_eq!(existing.lines()[0], "use the key aes-1;");
        let resumed = plan_of(GuidedInput {
            created_key_id: Some("made-earlier".into()),
            ..filled()
        })
        .unwrap();
        assert_eq!(resumed.key_id.as_deref(), Some("made-earlier"));
        assert!(
            plan_of(GuidedInput {
                arn_input: "not an arn".into(),
                parameters: String::new(),
                public_key: Some(fixture!("rsa4096.spki.der").to_vec()),
                token: Some(vec![1]),
                ..filled()
            })
            .unwrap_err()
            .starts_with("Step 2: ")
        );
    }

    #[test]
    fn the_draft_survives_a_reload_and_start_over_is_the_default() {
        let mut input = filled();
        input.token = Some(vec![1, 2, 3]);
        input.multi_region = true;
        assert_eq!(GuidedInput::from_json(&input.to_json()), input);
        assert_eq!(GuidedInput::from_json(""), GuidedInput::default());
        assert_eq!(
            GuidedInput::from_json("{\"spec\":\"DES\"}"),
            GuidedInput::default()
        );
        // A draft whose choices do not fit its spec is fitted.
        let saved = GuidedInput {
            spec: AwsKeySpec::Rsa(4096),
            usage: KeyUsage::GenerateVerifyMac,
            ..GuidedInput::default()
        };
        let restored = GuidedInput::from_json(&saved.to_json());
        assert_eq!(restored.usage, KeyUsage::EncryptDecrypt);
    }

    #[test]
    fn a_draft_written_with_empty_ids_reads_back_as_none_and_is_written_the_same() {
        // As the code before the ids were `Option`s wrote it: "" for no id.
        let chosen = r#"{"spec":"SYMMETRIC_DEFAULT","usage":"ENCRYPT_DECRYPT","description":"","region":"eu-west-3","multi_region":false,"arn_input":"","algorithm":"RSAES_OAEP_SHA_256","kek":"RSA_4096","parameters":"","public_key":"","token":"AQID","use_existing":true,"existing_id":"aes-1","created_key_id":""}"#;
        let draft = GuidedInput::from_json(chosen);
        assert_eq!(draft.existing_id.as_deref(), Some("aes-1"));
        assert_eq!(draft.created_key_id, None);
        assert_eq!(draft.token, Some(vec![1, 2, 3]));
        assert_eq!(draft.to_json(), chosen);

        let resumed = r#"{"spec":"SYMMETRIC_DEFAULT","usage":"ENCRYPT_DECRYPT","description":"","region":"","multi_region":false,"arn_input":"","algorithm":"RSAES_OAEP_SHA_256","kek":"RSA_4096","parameters":"","public_key":"","token":"","use_existing":true,"existing_id":"","created_key_id":"made-earlier"}"#;
        let draft = GuidedInput::from_json(resumed);
        assert_eq!(draft.existing_id, None);
        assert_eq!(draft.created_key_id.as_deref(), Some("made-earlier"));
        assert_eq!(draft.to_json(), resumed);
        // "" still means no key chosen in step 4.
        assert_eq!(
            plan(
                &GuidedInput {
                    parameters: filled().parameters,
                    ..draft
                },
                NOW
            )
            .unwrap_err(),
            "Step 4: choose one of the compatible keys, or create new key material."
        );

        // The start values are written as before too; null or a missing id is none.
        assert!(
            GuidedInput::default()
                .to_json()
                .ends_with(r#""use_existing":false,"existing_id":"","created_key_id":""}"#)
        );
        assert_eq!(
            GuidedInput::from_json(r#"{"existing_id":null,"use_existing":true}"#).existing_id,
            None
        );
        assert_eq!(
            GuidedInput::from_json(r#"{"use_existing":true}"#).created_key_id,
            None
        );
    }

    #[test]
    fn switching_spec_fits_choices_and_forgets_created_material() {
        let mut input = GuidedInput {
            created_key_id: Some("aes-made".into()),
            ..GuidedInput::default()
        };
        let changes = input.switch_spec(AwsKeySpec::Hmac(HmacHash::Sha256));
        assert_eq!(input.usage, KeyUsage::GenerateVerifyMac);
        assert!(changes[0].starts_with("Key usage changed"), "{changes:?}");
        assert_eq!(input.created_key_id, None);
        input.choose_algorithm(WrappingAlgorithm::RsaesOaepSha1);
        assert!(input.size_choices().contains(&input.kek));
        assert!(input.algorithm_choices().contains(&input.algorithm));
    }

    #[test]
    fn only_active_keys_of_the_spec_are_compatible() {
        let key = |algorithm, bits, state| ObjectAttributes {
            unique_identifier: "k".into(),
            object_type: Some(ObjectType::SymmetricKey),
            algorithm: Some(algorithm),
            length_bits: Some(bits),
            state: Some(state),
            ..Default::default()
        };
        let aes = AwsKeySpec::SymmetricDefault;
        assert_eq!(
            compatibility(aes, &key(CryptographicAlgorithm::Aes, 256, State::Active)),
            Ok(())
        );
        assert_eq!(
            compatibility(aes, &key(CryptographicAlgorithm::Aes, 128, State::Active)).unwrap_err(),
            "it is AES-128 key, not AES-256 key"
        );
        assert!(
            compatibility(
                aes,
                &key(CryptographicAlgorithm::Aes, 256, State::PreActive)
            )
            .unwrap_err()
            .contains("PreActive")
        );
    }
}
