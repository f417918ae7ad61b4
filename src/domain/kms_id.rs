//! The id of a KMS object as a person types it (a key, a wrapping key): one
//! check, so every page accepts and refuses the same ids with the same words.

use std::fmt;

/// A KMS object id: trimmed, not empty, no whitespace or control character.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct KmsId(String);

/// What is wrong with a typed id, in words that follow "<field>: ".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KmsIdProblem {
    Empty,
    Space,
    ControlCharacter,
}

impl fmt::Display for KmsIdProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Empty => "it is empty; type the object's id",
            Self::Space => "spaces are not allowed; use letters, digits, '-' or '_'",
            Self::ControlCharacter => {
                "control characters are not allowed; use letters, digits, '-' or '_'"
            }
        })
    }
}

impl KmsId {
    /// Reads a typed id; the spaces around it are dropped.
    pub fn parse(text: &str) -> Result<Self, KmsIdProblem> {
        let id = text.trim();
        if id.is_empty() {
            Err(KmsIdProblem::Empty)
        } else if id.contains(char::is_whitespace) {
            Err(KmsIdProblem::Space)
        } else if id.contains(char::is_control) {
            Err(KmsIdProblem::ControlCharacter)
        } else {
            Ok(Self(id.to_owned()))
        }
    }

    /// Reads a field the user may leave empty for the KMS to choose a unique
    /// id (`None`); the error names the `field`: "Key id: spaces are not
    /// allowed; use letters, digits, '-' or '_', or leave it empty."
    pub fn parse_optional(text: &str, field: &str) -> Result<Option<Self>, String> {
        match Self::parse(text) {
            Ok(id) => Ok(Some(id)),
            Err(KmsIdProblem::Empty) => Ok(None),
            Err(problem) => Err(format!("{field}: {problem}, or leave it empty.")),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for KmsId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_ids_are_trimmed_and_checked_once() {
        for (text, expected) in [
            ("aes-key", Ok("aes-key")),
            (
                "  aws-kek-rsaes-oaep-sha-256-0123456789abcdef\n",
                Ok("aws-kek-rsaes-oaep-sha-256-0123456789abcdef"),
            ),
            (
                "6f2e1b7c-0c4e-4d3a-9a57-2b1d0c9e8f11",
                Ok("6f2e1b7c-0c4e-4d3a-9a57-2b1d0c9e8f11"),
            ),
            ("clé_été", Ok("clé_été")),
            ("", Err(KmsIdProblem::Empty)),
            (" \t\n", Err(KmsIdProblem::Empty)),
            ("aes key", Err(KmsIdProblem::Space)),
            ("aes\tkey", Err(KmsIdProblem::Space)),
            ("aes\u{a0}key", Err(KmsIdProblem::Space)),
            ("aes\u{0}key", Err(KmsIdProblem::ControlCharacter)),
            ("aes\u{1b}[0mkey", Err(KmsIdProblem::ControlCharacter)),
        ] {
            assert_eq!(
                KmsId::parse(text).as_ref().map(KmsId::as_str),
                expected.as_ref().map(|s| *s),
                "{text:?}"
            );
        }
    }

    #[test]
    fn an_optional_id_may_be_left_empty_and_the_refusal_names_the_field() {
        assert_eq!(KmsId::parse_optional("  ", "Key id"), Ok(None));
        assert_eq!(
            KmsId::parse_optional(" aes-key ", "Key id")
                .unwrap()
                .unwrap()
                .to_string(),
            "aes-key"
        );
        assert_eq!(
            KmsId::parse_optional("my key", "KMS key id").unwrap_err(),
            "KMS key id: spaces are not allowed; use letters, digits, '-' or '_', or leave it empty."
        );
        assert_eq!(
            KmsId::parse_optional("my\u{7}key", "Key id").unwrap_err(),
            "Key id: control characters are not allowed; use letters, digits, '-' or '_', or leave it empty."
        );
    }
}
