//! A command handed to the user for a POSIX shell: its words grouped by
//! option, and the quoting that keeps each word whole.

use std::borrow::Cow;

/// What stands for a missing ARN in every command.
pub const ARN_PLACEHOLDER: &str = "<AWS key ARN>";

/// A command as its words grouped by option (each group already quoted).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CliCommand(pub Vec<String>);

impl CliCommand {
    /// One option per line, joined with `\`.
    pub fn multi_line(&self) -> String {
        self.0.join(" \\\n    ")
    }

    pub fn one_line(&self) -> String {
        self.0.join(" ")
    }
}

/// Quotes a word for a POSIX shell when it needs it.
pub fn shell_quote(word: &str) -> Cow<'_, str> {
    let safe = !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./:=@%+,".contains(&b));
    if safe {
        Cow::Borrowed(word)
    } else {
        Cow::Owned(format!("'{}'", word.replace('\'', "'\\''")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_survives_a_shell_parser() {
        for word in [
            "plain.bin",
            "a b",
            "it's",
            "$HOME",
            "`x`",
            "\"q\"",
            "semi;colon",
            "new\nline",
            "",
        ] {
            assert_eq!(
                shell_words::split(&shell_quote(word)).unwrap(),
                vec![word.to_owned()],
                "{word:?}"
            );
        }
    }

    #[test]
    fn a_command_is_written_on_one_line_or_one_option_per_line() {
        let command = CliCommand(vec!["aws kms describe-key".into(), "--key-id k".into()]);
        assert_eq!(command.one_line(), "aws kms describe-key --key-id k");
        assert_eq!(
            command.multi_line(),
            "aws kms describe-key \\\n    --key-id k"
        );
    }
}
