//! A command shown as it will be pasted, under a visible title that names it
//! for screen readers too, with its copy button.

use leptos::prelude::*;

use crate::components::copy_button::CopyButton;

/// A group named by its visible title ("aws kms create-key command"): the
/// focusable `<pre>` with the command text, and a Copy button next to it.
#[component]
pub fn CommandBlock(
    /// The `<pre>`'s id; the title's id is this id followed by `-title`.
    id: &'static str,
    /// The command text.
    #[prop(into)]
    text: Signal<String>,
    /// What the copy button copies, for screen readers ("Copy the import command").
    label: &'static str,
    /// The visible title naming the block; when not given, the command's own
    /// words before its first option ("aws kms describe-key command").
    #[prop(optional)]
    title: Option<&'static str>,
    /// Run when the command is copied (e.g. to record the options it carries).
    #[prop(optional)]
    on_copied: Option<Callback<()>>,
) -> impl IntoView {
    let title_id = format!("{id}-title");
    let labelled_by = title_id.clone();
    let title = move || match title {
        Some(title) => title.to_owned(),
        None => command_title(&text.get(), label),
    };
    view! {
        <div class="command-block" role="group" aria-labelledby=labelled_by>
            <p id=title_id class="command-title">{title}</p>
            // Focusable so keyboard users can scroll a long line.
            <pre id=id class="command" tabindex="0">{text}</pre>
            <CopyButton text=text label=label on_copied=on_copied />
        </div>
    }
}

/// The name of a command block: the program and subcommand words before the
/// first option ("aws kms create-key command"), else the copy button's words
/// without "Copy the" ("create-key command").
pub fn command_title(text: &str, copy_label: &str) -> String {
    let words: Vec<&str> = text
        .split_whitespace()
        .take_while(|word| !word.starts_with('-') && *word != "\\")
        .collect();
    if words.len() >= 2 {
        format!("{} command", words.join(" "))
    } else {
        copy_label
            .strip_prefix("Copy the ")
            .unwrap_or(copy_label)
            .to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::command_title;

    #[test]
    fn a_block_is_named_by_its_command() {
        for (text, label, expected) in [
            (
                "aws kms create-key \\\n    --origin EXTERNAL",
                "Copy the create-key command",
                "aws kms create-key command",
            ),
            (
                "aws kms describe-key --key-id x",
                "Copy the describe-key command",
                "aws kms describe-key command",
            ),
            (
                "aws kms get-parameters-for-import",
                "Copy the get-parameters-for-import command",
                "aws kms get-parameters-for-import command",
            ),
            ("", "Copy the import command", "import command"),
            ("--x", "Copy the import command", "import command"),
            ("", "Paste this", "Paste this"),
        ] {
            assert_eq!(command_title(text, label), expected, "{text:?}");
        }
    }
}
