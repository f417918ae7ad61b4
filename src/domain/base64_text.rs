//! Base64 as people paste it (line breaks, missing padding), decoded with a
//! message that says which character is wrong; shared by every input parser.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};

/// Standard-alphabet base64, padded or not, whitespace and line breaks ignored.
pub fn decode_base64(text: &str) -> Result<Vec<u8>, String> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if let Some((position, c)) = compact
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=')))
    {
        let hint = if matches!(c, '-' | '_') {
            " (that is the URL-safe alphabet; AWS prints standard base64)"
        } else {
            ""
        };
        return Err(format!(
            "the character '{c}' at position {} is not in the base64 alphabet{hint}",
            position + 1
        ));
    }
    let unpadded = compact.trim_end_matches('=');
    if compact.len() - unpadded.len() > 2 || unpadded.contains('=') {
        return Err("'=' padding may only appear, at most twice, at the very end".to_owned());
    }
    if unpadded.len() % 4 == 1 {
        return Err(format!(
            "{} characters cannot be base64 (one character too many or missing): check the copy is complete",
            unpadded.len()
        ));
    }
    STANDARD_NO_PAD
        .decode(unpadded)
        .or_else(|_| STANDARD.decode(&compact))
        .map_err(|e| format!("it does not decode ({e})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padding_and_line_breaks_are_forgiven() {
        assert_eq!(decode_base64("AQID").unwrap(), vec![1, 2, 3]);
        assert_eq!(decode_base64(" AQ\r\nID\n").unwrap(), vec![1, 2, 3]);
        assert_eq!(decode_base64("AQI=").unwrap(), vec![1, 2]);
        assert_eq!(decode_base64("AQI").unwrap(), vec![1, 2]);
        assert_eq!(decode_base64("").unwrap(), Vec::<u8>::new());
    }

    #[test]
    fn each_refusal_says_what_is_wrong() {
        let err = |text: &str| decode_base64(text).unwrap_err();
        assert_eq!(
            err("AQ!D"),
            "the character '!' at position 3 is not in the base64 alphabet"
        );
        assert_eq!(
            err("AQ_D"),
            "the character '_' at position 3 is not in the base64 alphabet (that is the URL-safe alphabet; AWS prints standard base64)"
        );
        assert_eq!(
            err("AQ=D"),
            "'=' padding may only appear, at most twice, at the very end"
        );
        assert_eq!(
            err("AQ==="),
            "'=' padding may only appear, at most twice, at the very end"
        );
        assert!(err("AQIDB").starts_with("5 characters cannot be base64"));
    }
}
