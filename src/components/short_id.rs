//! A long identifier (a 64-hex KeyMaterialId) in a table cell, shortened so the
//! table never scrolls sideways: the whole value on hover and focus, and a Copy button.

use leptos::prelude::*;

use crate::components::copy_button::CopyButton;

/// Characters kept at each end of a shortened identifier.
const KEPT: usize = 8;

/// `value` as "first 8…last 8" when longer than 20 characters, else whole.
pub fn shortened(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() <= 2 * KEPT + 4 {
        return value.to_owned();
    }
    let head: String = chars[..KEPT].iter().collect();
    let tail: String = chars[chars.len() - KEPT..].iter().collect();
    format!("{head}…{tail}")
}

/// The shortened identifier (focusable, its whole value shown on hover and
/// focus and read by screen readers), then "Copy" for the whole value.
#[component]
pub fn ShortId(
    /// The whole identifier.
    value: String,
    /// Names what is copied, for screen readers ("Copy the KeyMaterialId").
    copy_label: &'static str,
) -> impl IntoView {
    let short = shortened(&value);
    if short == value {
        return view! { <code>{value}</code> }.into_any();
    }
    view! {
        <span class="short-id">
            <code class="short-id-text" tabindex="0" title=value.clone()>
                <span aria-hidden="true">{short}</span>
                <span class="visually-hidden">{value.clone()}</span>
            </code>
            <span class="short-id-whole" aria-hidden="true">{value.clone()}</span>
            <CopyButton text=value label=copy_label />
        </span>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::shortened;

    #[test]
    fn long_ids_keep_both_ends_and_short_ones_stay_whole() {
        let id = format!("{}{}", "ab".repeat(16), "cd".repeat(16));
        assert_eq!(shortened(&id), "abababab…cdcdcdcd");
        assert_eq!(shortened("1234abcd-12ab"), "1234abcd-12ab");
        assert_eq!(shortened(&"x".repeat(20)), "x".repeat(20));
        assert_eq!(shortened(&"x".repeat(21)), "xxxxxxxx…xxxxxxxx");
    }
}
