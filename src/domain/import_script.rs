//! What every cloud's import script shares: files carried in base64 here-documents with their
//! SHA-256, every check before the first write, then the files placed; only the CLI calls differ.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use time::{OffsetDateTime, UtcOffset};

use crate::domain::cli::{CliCommand, shell_quote};
use crate::domain::ledger::sha256_hex;

/// A file the script carries and writes next to itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Carried<'a> {
    /// The name the page's command gives it.
    pub name: &'a str,
    pub bytes: &'a [u8],
}

/// How every refusal before the first write ends: the folder is as it was.
pub fn nothing_done(cloud: &str) -> String {
    format!("No file was written and nothing was sent to {cloud}.")
}

/// How a refusal while placing the files ends: what was placed is removed.
fn taken_back(cloud: &str) -> String {
    format!(
        "Any file this run wrote was removed, so the folder is as it was, and nothing was sent to {cloud}."
    )
}

/// Where a here-document of base64 ends: `-` is not in the base64 alphabet.
pub const END: &str = "END-OF-BASE64";

/// Base64 lines of 64 characters: what `base64 -d` and `openssl base64 -d` both read.
pub fn base64_lines(bytes: &[u8]) -> String {
    let text = STANDARD.encode(bytes);
    let mut out = String::with_capacity(text.len() + text.len() / 64 + 1);
    for chunk in text.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out
}

/// `2026-11-30T15:07:13Z` and `20261130150713` (digits compare as numbers in `[ -ge ]`).
pub fn utc_texts(at: OffsetDateTime) -> (String, String) {
    let t = at.to_offset(UtcOffset::UTC);
    let (y, mo, d) = (t.year(), u8::from(t.month()), t.day());
    let (h, mi, s) = (t.hour(), t.minute(), t.second());
    (
        format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z"),
        format!("{y:04}{mo:02}{d:02}{h:02}{mi:02}{s:02}"),
    )
}

/// A command as script lines, and as one quoted word that prints it.
pub fn runnable(command: &CliCommand) -> (String, String) {
    let text = command.multi_line();
    let quoted = shell_quote(&text).into_owned();
    (text, quoted)
}

/// Two files of one name would be one file next to the script.
pub fn check_file_names(files: &[Carried<'_>], what: [&str; 2]) -> Result<(), String> {
    match files {
        [a, b] if a.name == b.name => Err(format!(
            "The {} and the {} both have the file name \"{}\": give each file its own name above.",
            what[0], what[1], a.name
        )),
        _ => Ok(()),
    }
}

/// The script's text, line by line.
#[derive(Default)]
pub struct Lines(pub String);

impl Lines {
    pub fn line(&mut self, text: &str) {
        self.0.push_str(text);
        self.0.push('\n');
    }

    pub fn lines(&mut self, texts: &[&str]) {
        for text in texts {
            self.line(text);
        }
    }

    /// `fail`, the arguments, the script's folder, the CLI's settings (`cli_env`), and the
    /// tools to check the files with.
    pub fn preamble(&mut self, cloud: &str, cli_env: &[&str]) {
        self.lines(&[
            "fail() {",
            "    printf 'import script: %s\\n' \"$*\" >&2",
            "    exit 1",
            "}",
            "",
            "dry_run=false",
            "case \"$#:${1-}\" in",
            "    0:) ;;",
            "    1:--dry-run) dry_run=true ;;",
            "    *)",
            "        printf 'Usage: sh %s [--dry-run]\\n' \"$0\" >&2",
            "        exit 2",
            "        ;;",
            "esac",
            "# The command below names the files relative to this script's folder.",
            "cd \"$(dirname -- \"$0\")\"",
        ]);
        self.lines(cli_env);
        self.lines(&[
            "",
            "if command -v sha256sum >/dev/null 2>&1; then",
            "    sha256() { sha256sum \"$1\" | cut -d ' ' -f 1; }",
            "elif command -v shasum >/dev/null 2>&1; then",
            "    sha256() { shasum -a 256 \"$1\" | cut -d ' ' -f 1; }",
            "else",
        ]);
        let nothing = nothing_done(cloud);
        self.line(&format!(
            "    fail \"Neither sha256sum nor shasum is installed, so the files cannot be checked: install coreutils (sha256sum) or Perl (shasum) and run this script again. {nothing}\""
        ));
        self.lines(&[
            "fi",
            "if command -v base64 >/dev/null 2>&1; then",
            "    from_base64() { base64 -d; }",
            "elif command -v openssl >/dev/null 2>&1; then",
            "    from_base64() { openssl base64 -d; }",
            "else",
        ]);
        self.line(&format!(
            "    fail \"Neither base64 nor openssl is installed, so the files cannot be decoded: install coreutils (base64) or OpenSSL and run this script again. {nothing}\""
        ));
        self.lines(&["fi", ""]);
    }

    /// Refuses to go on once `at` is past; `message` gets the time as shown.
    pub fn refuse_after(&mut self, at: OffsetDateTime, comment: &str, message: &str) {
        let (shown, digits) = utc_texts(at);
        self.line(comment);
        self.line(&format!(
            "if [ \"$(date -u +%Y%m%d%H%M%S)\" -ge {digits} ]; then"
        ));
        self.line(&format!(
            "    fail \"{}\"",
            message.replace("{shown}", &shown)
        ));
        self.line("fi");
    }

    /// Refuses a run (not a dry run) without the cloud's CLI `tool`.
    pub fn require_cli(&mut self, tool: &str, message: &str) {
        self.line(&format!(
            "if [ \"$dry_run\" = false ] && ! command -v {tool} >/dev/null 2>&1; then"
        ));
        self.line(&format!("    fail \"{message}\""));
        self.line("fi");
    }

    /// The temporary folder (removed on every exit), `unpack` and `refuse_other`.
    pub fn work_folder(&mut self, cloud: &str) {
        let nothing = nothing_done(cloud);
        self.lines(&[
            "",
            "# The files are decoded and checked in a temporary folder here, removed on",
            "# every exit, as is a file placed by a placement that did not finish.",
            "work=''",
            "placed=''",
            "clean_up() {",
            "    if [ -n \"$placed\" ]; then rm -f \"./$placed\"; fi",
            "    if [ -n \"$work\" ]; then rm -rf \"$work\"; fi",
            "}",
            "trap clean_up EXIT",
            "trap 'exit 1' HUP INT TERM",
        ]);
        self.line(&format!(
            "work=$(mktemp -d ./.import-script.XXXXXX) || fail \"No temporary folder could be made next to this script (see above): run the script in a folder you may write to. {nothing}\""
        ));
        self.lines(&[
            "",
            "# unpack NAME SHA256 < base64: NAME decoded into the temporary folder, checked.",
            "unpack() {",
        ]);
        self.line(&format!(
            "    from_base64 >\"$work/$1\" || fail \"The $1 this script carries could not be decoded or written (see above): make room on the disk if it is full, else download the script again. {nothing}\""
        ));
        self.lines(&[
            "    got=$(sha256 \"$work/$1\")",
            "    [ \"$got\" = \"$2\" ] ||",
        ]);
        self.line(&format!(
            "        fail \"The $1 this script carries is damaged (SHA-256 $got, expected $2): download the script again. {nothing}\""
        ));
        self.lines(&[
            "}",
            "",
            "# refuse_other NAME SHA256: stops when a different NAME is next to this script.",
            "refuse_other() {",
            "    if [ -e \"./$1\" ] || [ -L \"./$1\" ]; then",
            "        have=$(sha256 \"./$1\")",
            "        [ \"$have\" = \"$2\" ] ||",
        ]);
        self.line(&format!(
            "            fail \"$1 next to this script differs from the one it carries (SHA-256 $have, expected $2) and was left as it is: move it away, or run the script from another folder. {nothing}\""
        ));
        self.lines(&["    fi", "}", ""]);
    }

    /// Each file decoded and checked in the temporary folder, then none different next to the script.
    pub fn carry(&mut self, files: &[Carried<'_>]) {
        for file in files {
            self.line(&format!(
                "unpack {} {} <<'{END}'",
                shell_quote(file.name),
                sha256_hex(file.bytes)
            ));
            self.0.push_str(&base64_lines(file.bytes));
            self.line(END);
        }
        for file in files {
            self.line(&format!(
                "refuse_other {} {}",
                shell_quote(file.name),
                sha256_hex(file.bytes)
            ));
        }
        self.line("");
    }

    /// Every check passed: the files moved next to the script (renames in one folder), those
    /// placed taken back if a later one cannot follow.
    pub fn placement(&mut self, cloud: &str, files: &[Carried<'_>]) {
        let count = match files.len() {
            1 => "file goes",
            2 => "two files go",
            _ => "files go",
        };
        self.lines(&[
            &format!("# Every check passed: the {count} next to this script."),
            "# place NAME SHA256: NAME moved there, unless the same one is already there.",
            "place() {",
            "    refuse_other \"$1\" \"$2\"",
            "    if [ -e \"./$1\" ]; then",
            "        printf '%s is already there and the same (SHA-256 %s).\\n' \"$1\" \"$2\"",
            "    else",
        ]);
        self.line(&format!(
            "        mv \"$work/$1\" \"./$1\" || fail \"$1 could not be moved next to this script (see above): run the script in a folder you may write to. {}\"",
            taken_back(cloud)
        ));
        self.lines(&[
            "        placed=$1",
            "        printf 'Wrote %s (SHA-256 %s).\\n' \"$1\" \"$2\"",
            "    fi",
            "}",
        ]);
        for file in files {
            self.line(&format!(
                "place {} {}",
                shell_quote(file.name),
                sha256_hex(file.bytes)
            ));
        }
        self.lines(&["placed=''", "rm -rf \"$work\"", "work=''", ""]);
    }

    /// `--dry-run` stops here, the files written, the commands printed.
    pub fn dry_run(&mut self, cloud: &str, commands: &[&CliCommand]) {
        let shown: Vec<String> = commands.iter().map(|c| runnable(c).1).collect();
        self.lines(&["if [ \"$dry_run\" = true ]; then"]);
        self.line(&format!(
            "    printf '%s\\n' 'Dry run: nothing was sent to {cloud}. The script would run:'"
        ));
        self.line(&format!("    printf '%s\\n' {}", shown.join(" ")));
        self.lines(&["    exit 0", "fi", ""]);
    }
}

#[cfg(test)]
pub(crate) mod test_shell;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_lines_are_64_characters() {
        let lines = base64_lines(&[7u8; 100]);
        let lines: Vec<&str> = lines.lines().collect();
        assert_eq!(
            lines.iter().map(|l| l.len()).collect::<Vec<_>>(),
            [64, 64, 8]
        );
        assert_eq!(STANDARD.decode(lines.concat()).unwrap(), vec![7u8; 100]);
        assert_eq!(base64_lines(&[]), "");
    }

    #[test]
    fn two_files_of_one_name_are_refused() {
        let files = [
            Carried {
                name: "a.bin",
                bytes: b"1",
            },
            Carried {
                name: "a.bin",
                bytes: b"2",
            },
        ];
        assert_eq!(
            check_file_names(&files, ["key material", "import token"]).unwrap_err(),
            "The key material and the import token both have the file name \"a.bin\": give each file its own name above."
        );
        assert!(check_file_names(&files[..1], ["a", "b"]).is_ok());
    }
}
