//! Long tokens (ids, ARNs, algorithm names) in narrow cells: a line may break after
//! `_`, `-`, `/`, `:` or `.`, never inside a word ("RSAES_OAEP_SHA_" / "256", not "Acti" / "ve").

use leptos::prelude::*;

/// The pieces of `text`, each ending at a place where a line may break.
pub fn break_points(text: &str) -> Vec<&str> {
    text.split_inclusive(['_', '-', '/', ':', '.']).collect()
}

/// `text` with a `<wbr>` after each break point; reads and copies as the plain text.
pub fn breakable(text: &str) -> impl IntoView + use<> {
    break_points(text)
        .into_iter()
        .map(|piece| view! { {piece.to_owned()}<wbr /> })
        .collect_view()
}

#[cfg(test)]
mod tests {
    use super::break_points;

    #[test]
    fn tokens_break_only_after_separators() {
        assert_eq!(
            break_points("RSAES_OAEP_SHA_256"),
            ["RSAES_", "OAEP_", "SHA_", "256"]
        );
        assert_eq!(
            break_points("arn:aws:kms:eu-west-3:1/k"),
            ["arn:", "aws:", "kms:", "eu-", "west-", "3:", "1/", "k"]
        );
        assert_eq!(break_points("Active"), ["Active"]);
        assert_eq!(break_points("").len(), 0);
        assert_eq!(break_points("a b_c").concat(), "a b_c");
    }
}
