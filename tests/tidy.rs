//! Tidy: the structural rules ARCHITECTURE.md states, checked over the source
//! text natively (no browser), so a change that breaks one fails `cargo test`.
//!
//! Each rule is a small function from (path, text) to violations, unit-tested
//! below on synthetic input; the `tree_*` tests run every rule over the repo.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

/// One broken rule: where, and what to do about it.
#[derive(Debug, PartialEq)]
struct Violation {
    file: String,
    line: usize,
    message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

fn violation(file: &str, line: usize, message: impl Into<String>) -> Violation {
    Violation {
        file: file.to_owned(),
        line,
        message: message.into(),
    }
}

// ---------------------------------------------------------------------------
// Reading Rust source: comments (and, on request, string contents) blanked out
// with the line structure kept, so positions still give line numbers.
// ---------------------------------------------------------------------------

/// `src` with every comment replaced by spaces; with `strings` false, the
/// contents of string and char literals are blanked too (quotes kept).
fn mask(src: &str, keep_strings: bool) -> String {
    let chars: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
        } else if let Some((hashes, open_len)) = raw_string_start(&chars, i) {
            // r"…", r#"…"#, br#"…"#: ends at a quote followed by as many #.
            out.extend(&chars[i..i + open_len]);
            i += open_len;
            while i < chars.len() {
                if chars[i] == '"' && (1..=hashes).all(|k| chars.get(i + k) == Some(&'#')) {
                    out.extend(&chars[i..i + 1 + hashes]);
                    i += 1 + hashes;
                    break;
                }
                out.push(if keep_strings {
                    chars[i]
                } else {
                    blank(chars[i])
                });
                i += 1;
            }
        } else if c == '"' || (c == '\'' && is_char_literal(&chars, i)) {
            i = copy_quoted(&chars, i, keep_strings, &mut out);
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// At `i`, a raw string opener (`r"`, `r#"`, `br##"`…): (number of #, length).
fn raw_string_start(chars: &[char], i: usize) -> Option<(usize, usize)> {
    if i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_') {
        return None;
    }
    let mut j = i;
    if chars.get(j) == Some(&'b') {
        j += 1;
    }
    if chars.get(j) != Some(&'r') {
        return None;
    }
    j += 1;
    let hashes = chars[j..].iter().take_while(|&&c| c == '#').count();
    (chars.get(j + hashes) == Some(&'"')).then_some((hashes, j + hashes + 1 - i))
}

/// A blanked-out character: line breaks stay so line numbers do.
fn blank(c: char) -> char {
    if c == '\n' { '\n' } else { ' ' }
}

/// Copies the string or char literal opening at `start` (its quote is
/// `chars[start]`), blanking its contents unless `keep_strings`; returns the
/// index after its closing quote.
fn copy_quoted(chars: &[char], start: usize, keep_strings: bool, out: &mut String) -> usize {
    let quote = chars[start];
    out.push(quote);
    let mut i = start + 1;
    while i < chars.len() && chars[i] != quote {
        let len = if chars[i] == '\\' { 2 } else { 1 };
        for &d in chars.iter().skip(i).take(len) {
            out.push(if keep_strings { d } else { blank(d) });
        }
        i += len;
    }
    if i < chars.len() {
        out.push(quote);
        i += 1;
    }
    i
}

/// A `'` that opens a char literal (`'a'`, `'\n'`, `'"'`), not a lifetime.
fn is_char_literal(chars: &[char], i: usize) -> bool {
    match chars.get(i + 1) {
        Some('\\') => true,
        Some(_) => chars.get(i + 2) == Some(&'\''),
        None => false,
    }
}

/// Code only: comments blanked, string contents kept.
fn without_comments(src: &str) -> String {
    mask(src, true)
}

/// Code only: comments and string contents blanked.
fn bare_code(src: &str) -> String {
    mask(src, false)
}

/// 1-based line of byte offset `at`.
fn line_of(text: &str, at: usize) -> usize {
    text[..at].matches('\n').count() + 1
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Every identifier in `code` that starts a path (not after `::` or `.`),
/// with its line.
fn path_roots(code: &str) -> Vec<(usize, &str)> {
    let mut roots = Vec::new();
    let mut chars = code.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if !(c.is_alphabetic() || c == '_') {
            continue;
        }
        let mut end = start + c.len_utf8();
        while let Some(&(at, d)) = chars.peek() {
            if !is_ident_char(d) {
                break;
            }
            end = at + d.len_utf8();
            chars.next();
        }
        let before = code[..start].trim_end();
        if !before.ends_with("::") && !before.ends_with('.') {
            roots.push((line_of(code, start), &code[start..end]));
        }
    }
    roots
}

/// The first-level modules named after `crate::`, including each item of a
/// `crate::{a, b::c}` group, with their lines.
fn crate_modules(code: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (at, _) in code.match_indices("crate::") {
        if code[..at].ends_with(|c: char| is_ident_char(c) || c == '$') {
            continue;
        }
        let rest = &code[at + "crate::".len()..];
        let offset = at + "crate::".len();
        let trimmed = rest.trim_start();
        let skipped = rest.len() - trimmed.len();
        if let Some(group) = trimmed.strip_prefix('{') {
            let group_start = offset + skipped + 1;
            let mut depth = 1;
            let mut expect_item = true;
            let mut chars = group.char_indices().peekable();
            while let Some((i, c)) = chars.next() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 1 => break,
                    '}' => depth -= 1,
                    ',' if depth == 1 => expect_item = true,
                    c if expect_item && depth == 1 && (c.is_alphabetic() || c == '_') => {
                        let mut end = i + c.len_utf8();
                        while let Some(&(at, d)) = chars.peek() {
                            if !is_ident_char(d) {
                                break;
                            }
                            end = at + d.len_utf8();
                            chars.next();
                        }
                        found.push((line_of(code, group_start + i), group[i..end].to_owned()));
                        expect_item = false;
                    }
                    _ => {}
                }
            }
        } else {
            let len = trimmed
                .find(|d: char| !is_ident_char(d))
                .unwrap_or(trimmed.len());
            if len > 0 {
                found.push((line_of(code, offset + skipped), trimmed[..len].to_owned()));
            }
        }
    }
    found
}

// ---------------------------------------------------------------------------
// The rules.
// ---------------------------------------------------------------------------

/// Every Rust file opens with a `//!` doc saying why it exists.
fn doc_header(file: &str, text: &str) -> Vec<Violation> {
    if text.starts_with("//!") {
        Vec::new()
    } else {
        vec![violation(
            file,
            1,
            "does not start with `//!`: open the file with a short `//!` doc saying why it exists",
        )]
    }
}

/// Crates that only make sense in a browser or over HTTP.
const BROWSER_CRATES: [&str; 12] = [
    "web_sys",
    "js_sys",
    "wasm_bindgen",
    "wasm_bindgen_futures",
    "gloo",
    "gloo_net",
    "gloo_timers",
    "leptos",
    "leptos_router",
    "console_error_panic_hook",
    "reqwest",
    "ureq",
];

/// `src/kmip` and `src/domain` are plain Rust: no browser or HTTP crate.
fn no_browser_crates(file: &str, text: &str) -> Vec<Violation> {
    let code = bare_code(text);
    path_roots(&code)
        .into_iter()
        .filter(|(_, root)| BROWSER_CRATES.contains(root))
        .map(|(line, root)| {
            violation(
                file,
                line,
                format!(
                    "uses the browser/HTTP crate `{root}`: kmip and domain stay plain Rust; \
                     do this in client, browser or actions and pass plain values in"
                ),
            )
        })
        .collect()
}

/// Which `crate::` modules each part of `src` must not reach: the direction
/// is pages → actions → client/domain → kmip (ARCHITECTURE.md).
fn forbidden_modules(file: &str) -> Option<(&'static str, &'static [&'static str])> {
    // kmip may use nothing of the crate; domain may use kmip, nothing above.
    const KMIP: &[&str] = &[
        "domain",
        "browser",
        "client",
        "settings",
        "actions",
        "components",
        "pages",
        "routes",
        "app",
    ];
    const DOMAIN: &[&str] = KMIP.split_at(1).1;
    if file.starts_with("src/kmip/") {
        Some(("kmip is the bottom layer", KMIP))
    } else if file.starts_with("src/domain/") {
        Some(("domain sits above kmip only", DOMAIN))
    } else if file.starts_with("src/actions/") {
        Some((
            "actions sit below components and pages",
            &["components", "pages", "app"],
        ))
    } else if file.starts_with("src/components/") {
        Some(("components sit below pages", &["pages", "app"]))
    } else if file == "src/client.rs" || file.starts_with("src/client/") {
        Some((
            "the client sits below actions",
            &["actions", "components", "pages", "app"],
        ))
    } else {
        None
    }
}

/// No module uses one above it.
fn layering(file: &str, text: &str) -> Vec<Violation> {
    let Some((why, forbidden)) = forbidden_modules(file) else {
        return Vec::new();
    };
    crate_modules(&bare_code(text))
        .into_iter()
        .filter(|(_, module)| forbidden.contains(&module.as_str()))
        .map(|(line, module)| {
            violation(
                file,
                line,
                format!(
                    "uses `crate::{module}` ({why}; pages → actions → client/domain → kmip): \
                     move the code down or pass the value in"
                ),
            )
        })
        .collect()
}

/// Where the KMIP Export operation is built.
const EXPORT_BUILDER: &str = "src/kmip/operations.rs";

/// The KMIP `"Export"` operation is spelled only where requests are built.
fn export_built_once(file: &str, text: &str) -> Vec<Violation> {
    if file == EXPORT_BUILDER {
        return Vec::new();
    }
    let code = without_comments(text);
    code.match_indices("\"Export\"")
        .map(|(at, _)| {
            violation(
                file,
                line_of(&code, at),
                format!(
                    "spells the KMIP operation \"Export\": build the request with the \
                     builder in {EXPORT_BUILDER}"
                ),
            )
        })
        .collect()
}

/// Nothing the UI holds outlives the tab: no localStorage.
fn no_local_storage(file: &str, text: &str) -> Vec<Violation> {
    let code = without_comments(text);
    let mut found: Vec<usize> = ["localStorage", "local_storage"]
        .iter()
        .flat_map(|word| code.match_indices(word).map(|(at, _)| at))
        .collect();
    found.sort_unstable();
    found
        .into_iter()
        .map(|at| {
            violation(
                file,
                line_of(&code, at),
                "uses localStorage: keep state in this tab's sessionStorage \
                 (crate::browser) so nothing outlives the tab",
            )
        })
        .collect()
}

/// The one module that writes KMIP vendor attributes (written until they stay).
const VENDOR_STORE: &str = "src/actions/vendor_store.rs";

/// The KMIP builders of vendor-attribute writes (src/kmip/operations.rs).
const VENDOR_ATTRIBUTE_BUILDERS: [&str; 3] = [
    "add_vendor_attribute",
    "set_vendor_attribute",
    "delete_vendor_attribute",
];

/// Vendor attributes are written only through the store: a write of its own
/// would skip the write-until-kept loop and lose to a concurrent writer.
/// `src/kmip/` defines the builders (and tests their wire form).
fn vendor_attributes_written_by_the_store(file: &str, text: &str) -> Vec<Violation> {
    if file == VENDOR_STORE || file.starts_with("src/kmip/") {
        return Vec::new();
    }
    let code = bare_code(text);
    let mut found: Vec<(usize, &str)> = VENDOR_ATTRIBUTE_BUILDERS
        .iter()
        .flat_map(|builder| {
            code.match_indices(builder)
                .filter(|&(at, word)| {
                    !code[..at].ends_with(is_ident_char)
                        && !code[at + word.len()..].starts_with(is_ident_char)
                })
                .map(|(at, _)| (at, *builder))
                .collect::<Vec<_>>()
        })
        .collect();
    found.sort_unstable();
    found
        .into_iter()
        .map(|(at, builder)| {
            violation(
                file,
                line_of(&code, at),
                format!(
                    "calls the KMIP builder {builder}: write a stored document through \
                     {VENDOR_STORE} (record_vendor_attribute, update_vendor_attribute: they \
                     write until the value stays), or add the missing write there"
                ),
            )
        })
        .collect()
}

/// A document kept in the KMS is named (its attribute prefix, its format) only
/// in its stored form (`src/domain/**/stored.rs`): one place says what is on disk.
fn stored_names_only_in_stored_forms(file: &str, text: &str) -> Vec<Violation> {
    if file.starts_with("src/domain/") && file.ends_with("/stored.rs") {
        return Vec::new();
    }
    let code = mask(before_tests(text), true);
    let mut found: Vec<usize> = [
        "\"byok-aws-",
        "\"byok_aws_",
        "\"byok-azure-",
        "\"byok_azure_",
        "\"byok-google-",
        "\"byok_google_",
    ]
    .iter()
    .flat_map(|word| code.match_indices(word).map(|(at, _)| at))
    .collect();
    found.sort_unstable();
    found
        .into_iter()
        .map(|at| {
            violation(
                file,
                line_of(&code, at),
                "names a stored document (attribute prefix or format) outside its stored form: \
                 use the constant of src/domain/ledger/stored.rs, \
                 src/domain/ledger/azure/stored.rs, src/domain/ledger/google/stored.rs \
                 or src/domain/aws/runbook/stored.rs",
            )
        })
        .collect()
}

/// The modules that write RFC 3339 text: the stored documents' one writer and KMIP's DateTime.
const RFC3339_WRITERS: [&str; 2] = ["src/domain/stored.rs", "src/kmip/ttlv.rs"];

/// A time kept in the KMS is written by one writer (`domain::stored::rfc3339`:
/// whole seconds, `Z`), so tags and documents never differ in how they spell it.
fn one_rfc3339_writer(file: &str, text: &str) -> Vec<Violation> {
    if RFC3339_WRITERS.contains(&file) {
        return Vec::new();
    }
    let code = bare_code(before_tests(text));
    code.match_indices("format(&Rfc3339)")
        .map(|(at, _)| {
            violation(
                file,
                line_of(&code, at),
                "writes RFC 3339 itself: use crate::domain::stored::rfc3339 (whole seconds, UTC, Z)",
            )
        })
        .collect()
}

/// JSON is written and read in the domain (stored documents, AWS outputs) and the
/// one HTTP client; actions, components and pages pass typed values.
fn no_json_above_the_client(file: &str, text: &str) -> Vec<Violation> {
    let above = ["src/actions/", "src/components/", "src/pages/"];
    if !above.iter().any(|prefix| file.starts_with(prefix)) {
        return Vec::new();
    }
    let code = bare_code(text);
    code.match_indices("serde_json")
        .filter(|&(at, _)| !code[..at].ends_with(is_ident_char))
        .map(|(at, _)| {
            violation(
                file,
                line_of(&code, at),
                "uses serde_json above the domain: give the domain type a reader or writer \
                 (src/domain/stored.rs for documents kept in the KMS) and pass the typed value",
            )
        })
        .collect()
}

/// The one formatter of times for display (ARCHITECTURE.md: one time format
/// on every page); stored formats (RFC 3339, .ics, the import script) are not display.
const TIME_FORMATTER: &str = "src/domain/time_display.rs";

/// `text` up to its `#[cfg(test)] mod tests` (tests may print times as they like).
fn before_tests(text: &str) -> &str {
    text.find("#[cfg(test)]\nmod tests")
        .map_or(text, |at| &text[..at])
}

/// A name declared with a type in a Rust file: `name: Type`.
#[derive(Debug, PartialEq)]
struct Declared {
    name: String,
    /// `OffsetDateTime`, `Option<OffsetDateTime>`, `&OffsetDateTime`, `time::…`.
    is_time: bool,
    /// A struct's or enum variant's field (else a parameter or a `let`).
    is_field: bool,
    /// Where the name means this: the enclosing function's body for a
    /// parameter, the enclosing block for a `let` (byte range).
    scope: (usize, usize),
}

/// The brackets of code with strings blanked, read once: where each closes
/// and which is innermost at each byte.
struct Brackets {
    /// The innermost bracket open before each byte: (offset, the bracket).
    inner: Vec<Option<(usize, u8)>>,
    /// Each opening bracket's offset and its closing one's.
    closes: std::collections::HashMap<usize, usize>,
}

impl Brackets {
    fn of(bare: &str) -> Self {
        let bytes = bare.as_bytes();
        let (mut open, mut inner) = (Vec::new(), Vec::with_capacity(bytes.len() + 1));
        let mut closes = std::collections::HashMap::new();
        for (i, &b) in bytes.iter().enumerate() {
            inner.push(open.last().copied());
            match b {
                b'(' | b'[' | b'{' => open.push((i, b)),
                b')' | b']' | b'}' => {
                    if let Some((o, _)) = open.pop() {
                        closes.insert(o, i);
                    }
                }
                _ => {}
            }
        }
        inner.push(open.last().copied());
        Self { inner, closes }
    }

    /// The innermost bracket still open at `at`: (offset, the bracket).
    fn enclosing(&self, at: usize) -> Option<(usize, u8)> {
        self.inner.get(at).copied().flatten()
    }

    /// The offset of the bracket closing the one opened at `open` (the end if none).
    fn closing(&self, open: usize) -> usize {
        self.closes
            .get(&open)
            .copied()
            .unwrap_or(self.inner.len() - 1)
    }
}

/// Every `name: Type` of `text` (outside strings and comments; `::` paths
/// and `'a:` labels are not declarations).
fn declarations(text: &str) -> Vec<Declared> {
    let bare = bare_code(text);
    let bytes = bare.as_bytes();
    let brackets = Brackets::of(&bare);
    let mut found = Vec::new();
    for (colon, _) in bare.match_indices(':') {
        if bytes.get(colon + 1) == Some(&b':') || (colon > 0 && bytes[colon - 1] == b':') {
            continue;
        }
        let before = bare[..colon].trim_end();
        let start = before
            .char_indices()
            .rev()
            .take_while(|(_, c)| is_ident_char(*c))
            .last()
            .map_or(before.len(), |(i, _)| i);
        let name = &before[start..];
        let lead = bare[..start].trim_end();
        if name.is_empty()
            || !name.starts_with(|c: char| c.is_alphabetic() || c == '_')
            || lead.ends_with('\'')
            || lead.ends_with('?')
        {
            continue;
        }
        let ty = bare[colon + 1..].trim_start();
        let ty = ty.strip_prefix('&').unwrap_or(ty).trim_start();
        let ty = ty.strip_prefix("Option<").unwrap_or(ty).trim_start();
        let ty = ty.strip_prefix("time::").unwrap_or(ty);
        let is_time = ty.starts_with("OffsetDateTime") && !ty[14..].starts_with(is_ident_char);
        let Some((open, bracket)) = brackets.enclosing(start) else {
            continue;
        };
        let head_of = |open: usize| {
            let head = bare[..open].trim_end();
            head.rsplit(['\n', ';', '}', '{'])
                .next()
                .unwrap_or(head)
                .trim()
                .to_owned()
        };
        let head = head_of(open);
        let in_enum = || {
            brackets
                .enclosing(open)
                .is_some_and(|(o, b)| b == b'{' && head_of(o).contains("enum "))
        };
        let is_let = lead.ends_with("let") || lead.ends_with("let mut");
        let is_field = bracket == b'{' && !is_let && (head.contains("struct ") || in_enum());
        let is_parameter = bracket == b'(' && head.contains("fn ");
        let is_closure_parameter = lead.ends_with('|');
        if !(is_field || is_let || is_parameter || is_closure_parameter) {
            // A struct literal's `field: value`, a named argument, a bound…
            continue;
        }
        let scope = if is_field {
            (0, bare.len())
        } else if is_parameter {
            // The function's body: the first `{` after the parameters' `)`.
            let close = brackets.closing(open);
            match bare[close..].find('{') {
                Some(body) => (close + body, brackets.closing(close + body)),
                None => (open, close),
            }
        } else {
            (open, brackets.closing(open))
        };
        found.push(Declared {
            name: name.to_owned(),
            is_time,
            is_field,
            scope,
        });
    }
    found
}

/// The fields declared as `OffsetDateTime` in `text` (see [`time_display`]).
fn time_fields(text: &str) -> Vec<String> {
    declarations(text)
        .into_iter()
        .filter(|d| d.is_time && d.is_field)
        .map(|d| d.name)
        .collect()
}

/// Whether byte `at` of the source is inside a string literal: `code` keeps
/// string contents, `bare` blanks them.
fn in_string(code: &str, bare: &str, at: usize) -> bool {
    code.as_bytes()[at] != bare.as_bytes()[at]
}

/// The arguments of every formatting macro call in `bare` (strings blanked),
/// each as (byte offset, text), split at the call's top-level commas.
fn format_arguments(bare: &str) -> Vec<(usize, &str)> {
    const MACROS: [&str; 7] = [
        "format!(",
        "write!(",
        "writeln!(",
        "format_args!(",
        "print!(",
        "println!(",
        "panic!(",
    ];
    let bytes = bare.as_bytes();
    let mut found = Vec::new();
    for name in MACROS {
        for (at, _) in bare.match_indices(name) {
            if bare[..at].ends_with(is_ident_char) {
                continue;
            }
            let first = at + name.len();
            let (mut depth, mut start) = (0_i32, first);
            for (i, &b) in bytes.iter().enumerate().skip(first) {
                match b {
                    b'(' | b'[' | b'{' => depth += 1,
                    b')' | b']' | b'}' if depth > 0 => depth -= 1,
                    b',' | b')' if depth == 0 => {
                        found.push((start, &bare[start..i]));
                        if b == b')' {
                            break;
                        }
                        start = i + 1;
                    }
                    _ => {}
                }
            }
        }
    }
    found
}

/// Every time the UI shows is written by [`TIME_FORMATTER`]. Outside it,
/// `src` (test modules aside) must not
/// * write its own "… UTC" format: a string with `UTC` right after a
///   placeholder (`"{:02}:{:02} UTC"`), or a literal `" UTC"` to append;
/// * show an `OffsetDateTime` through `Display`: `{name}` in a format
///   string, `name` or `a.b.name` as a formatting macro's argument, or
///   `name.to_string()`, where `name` is a parameter or `let` declared
///   `OffsetDateTime` in scope, or a field declared `OffsetDateTime`
///   anywhere in `src` (`fields`, from [`time_fields`]) that this file does
///   not also declare with another type. A time bound without a written type
///   (`|t| …`) is not seen.
fn time_display(file: &str, text: &str, fields: &[String]) -> Vec<Violation> {
    if file == TIME_FORMATTER {
        return Vec::new();
    }
    let text = before_tests(text);
    let (code, bare) = (without_comments(text), bare_code(text));
    let mut found: Vec<(usize, String)> = Vec::new();
    let own_format = "writes its own \"… UTC\" time format: show times with \
                      crate::domain::time_display::utc_minutes (\"2026-12-06 21:06 UTC\"), the one display format";
    for (at, _) in code.match_indices("UTC") {
        if !in_string(&code, &bare, at) {
            continue;
        }
        let before = code[..at].trim_end_matches(' ');
        let after = &code[at + 3..];
        if before.ends_with('}') || (before.ends_with('"') && after.starts_with('"')) {
            found.push((at, own_format.to_owned()));
        }
    }
    // Each time name with the byte range where it is one.
    let declared = declarations(text);
    let mut times: Vec<(String, (usize, usize))> = fields
        .iter()
        .filter(|f| !declared.iter().any(|d| &d.name == *f && !d.is_time))
        .map(|f| (f.clone(), (0, bare.len())))
        .collect();
    times.extend(
        declared
            .into_iter()
            .filter(|d| d.is_time && !d.is_field)
            .map(|d| (d.name, d.scope)),
    );
    let is_time = |name: &str, at: usize| {
        times
            .iter()
            .any(|(n, (from, to))| n == name && (*from..=*to).contains(&at))
    };
    let shown = |name: &str| {
        format!(
            "shows the OffsetDateTime `{name}` with Display (\"2026-12-06 21:06:36.0 +00:00:00\"): \
             write it with crate::domain::time_display::utc_minutes"
        )
    };
    for (name, _) in &times {
        for (at, _) in bare.match_indices(name.as_str()) {
            let whole = !bare[..at].ends_with(is_ident_char)
                && !bare[at + name.len()..].starts_with(is_ident_char);
            if whole && bare[at + name.len()..].starts_with(".to_string()") && is_time(name, at) {
                found.push((at, shown(name)));
            }
        }
        for end in ['}', ':'] {
            let placeholder = format!("{{{name}{end}");
            for (at, _) in code.match_indices(&placeholder) {
                if in_string(&code, &bare, at + 1)
                    && !code[..at].ends_with('{')
                    && is_time(name, at)
                {
                    found.push((at, shown(name)));
                }
            }
        }
    }
    for (at, argument) in format_arguments(&bare) {
        let argument = argument.rsplit('=').next().unwrap_or(argument).trim();
        let argument = argument.trim_start_matches('&');
        let path = argument
            .split('.')
            .all(|part| !part.is_empty() && part.chars().all(is_ident_char));
        let last = argument.rsplit('.').next().unwrap_or(argument);
        if path && is_time(last, at) {
            found.push((at, shown(last)));
        }
    }
    found.sort();
    found.dedup();
    found
        .into_iter()
        .map(|(at, message)| violation(file, line_of(&code, at), message))
        .collect()
}

/// A KMS version written down somewhere, and where.
#[derive(Debug, PartialEq)]
struct VersionMention {
    file: String,
    line: usize,
    what: String,
    version: String,
}

/// `cosmian_kms_server = { version = "=X"` in a manifest: the reference pin.
fn kms_pin(file: &str, manifest: &str) -> Option<VersionMention> {
    manifest.lines().enumerate().find_map(|(n, line)| {
        let rest = line.trim().strip_prefix("cosmian_kms_server")?.trim_start();
        let rest = rest.strip_prefix('=')?.trim_start().strip_prefix('{')?;
        let rest = rest.trim_start().strip_prefix("version")?.trim_start();
        let rest = rest.strip_prefix('=')?.trim_start().strip_prefix("\"=")?;
        Some(VersionMention {
            file: file.to_owned(),
            line: n + 1,
            what: "the cosmian_kms_server pin".to_owned(),
            version: rest[..rest.find('"')?].to_owned(),
        })
    })
}

/// The `[package]` version of the server wrapper's manifest.
fn package_version(file: &str, manifest: &str) -> Option<VersionMention> {
    let mut in_package = false;
    for (n, line) in manifest.lines().enumerate() {
        let line = line.trim();
        if line.starts_with('[') {
            in_package = line == "[package]";
        } else if in_package && let Some(rest) = line.strip_prefix("version") {
            let value = rest
                .trim_start()
                .strip_prefix('=')?
                .trim()
                .trim_matches('"');
            return Some(VersionMention {
                file: file.to_owned(),
                line: n + 1,
                what: "the wrapper's package version".to_owned(),
                version: value.to_owned(),
            });
        }
    }
    None
}

/// Constants that hold the KMS version: `KMS_VERSION` (any prefix) and the
/// server wrapper's `SERVER_VERSION`.
fn is_kms_version_const(name: &str) -> bool {
    name == "KMS_VERSION" || name.ends_with("_KMS_VERSION") || name == "SERVER_VERSION"
}

/// Every `const <KMS version name>: &str = "X";` in a Rust file.
fn version_consts(file: &str, text: &str) -> Vec<VersionMention> {
    let code = without_comments(text);
    let mut found = Vec::new();
    for (at, _) in code.match_indices("const ") {
        let rest = &code[at + "const ".len()..];
        let Some(colon) = rest.find(':') else {
            continue;
        };
        let name = rest[..colon].trim();
        if !is_kms_version_const(name) {
            continue;
        }
        let Some(value) = rest[colon + 1..]
            .split_once('=')
            .and_then(|(_, v)| v.trim_start().strip_prefix('"'))
            .and_then(|v| v.split_once('"'))
            .map(|(v, _)| v)
        else {
            continue;
        };
        found.push(VersionMention {
            file: file.to_owned(),
            line: line_of(&code, at),
            what: format!("`{name}`"),
            version: value.to_owned(),
        });
    }
    found
}

/// Every mention agrees with the reference pin.
fn versions_agree(reference: &VersionMention, others: &[VersionMention]) -> Vec<Violation> {
    others
        .iter()
        .filter(|m| m.version != reference.version)
        .map(|m| {
            violation(
                &m.file,
                m.line,
                format!(
                    "{} says {} but {}:{} pins cosmian_kms_server ={}: make them agree \
                     (xtask reads the pin itself)",
                    m.what, m.version, reference.file, reference.line, reference.version
                ),
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------
// The tree.
// ---------------------------------------------------------------------------

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Directories never walked: build output, VCS, tools, test data.
fn skipped(relative: &str) -> bool {
    let name = relative.rsplit('/').next().unwrap_or(relative);
    name.starts_with('.')
        || ["target", "dist", "node_modules"].contains(&name)
        || relative == "tests/fixtures"
}

/// Every `.rs` file in the repository, as (path from the root, text).
fn rust_files() -> Vec<(String, String)> {
    files_ending_with(&[".rs"])
}

/// Every text file the project writes (code, docs, manifests, styles, scripts, golden data).
fn text_files() -> Vec<(String, String)> {
    files_ending_with(&[
        ".rs", ".md", ".toml", ".css", ".html", ".js", ".mjs", ".sh", ".json", ".jsonl", ".yml",
    ])
}

/// Every file whose name ends with one of `endings`, as (path from the root, text).
fn files_ending_with(endings: &[&str]) -> Vec<(String, String)> {
    fn walk(root: &Path, dir: &Path, endings: &[&str], files: &mut Vec<(String, String)>) {
        let mut entries: Vec<PathBuf> = fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.expect("readable directory entry").path())
            .collect();
        entries.sort();
        for path in entries {
            let relative = path
                .strip_prefix(root)
                .expect("under the root")
                .to_string_lossy()
                .replace('\\', "/");
            if path.is_dir() {
                if !skipped(&relative) {
                    walk(root, &path, endings, files);
                }
            } else if endings.iter().any(|ending| relative.ends_with(ending)) {
                let text =
                    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                files.push((relative, text));
            }
        }
    }
    let root = repo();
    let mut files = Vec::new();
    walk(&root, &root, endings, &mut files);
    files
}

/// A merge left unresolved: Git's conflict markers at the start of a line.
fn no_merge_markers(file: &str, text: &str) -> Vec<Violation> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| line.starts_with("<<<<<<< ") || line.starts_with(">>>>>>> "))
        .map(|(n, _)| {
            violation(
                file,
                n + 1,
                "an unresolved merge conflict marker: resolve the conflict and remove the markers",
            )
        })
        .collect()
}

fn assert_clean(rule: &str, violations: Vec<Violation>) {
    let report: Vec<String> = violations.iter().map(ToString::to_string).collect();
    assert!(
        report.is_empty(),
        "{rule}: {} violation(s)\n{}",
        report.len(),
        report.join("\n")
    );
}

fn over_tree(prefix: &str, rule: fn(&str, &str) -> Vec<Violation>) -> Vec<Violation> {
    rust_files()
        .iter()
        .filter(|(file, _)| file.starts_with(prefix))
        .flat_map(|(file, text)| rule(file, text))
        .collect()
}

#[test]
fn tree_no_file_holds_a_merge_conflict_marker() {
    let files = text_files();
    assert!(
        files.iter().any(|(file, _)| file == "ARCHITECTURE.md"),
        "ARCHITECTURE.md not found: is the walk broken?"
    );
    let violations = files
        .iter()
        .flat_map(|(file, text)| no_merge_markers(file, text))
        .collect();
    assert_clean("merge markers", violations);
}

#[test]
fn merge_markers_are_found_at_a_line_start_only() {
    let text = "a\n<<<<<<< HEAD\nb\n=======\nc\n>>>>>>> other\n  <<<<<<< quoted\n";
    let found: Vec<usize> = no_merge_markers("x.md", text)
        .iter()
        .map(|v| v.line)
        .collect();
    assert_eq!(found, vec![2, 6]);
}

#[test]
fn tree_every_rust_file_starts_with_a_doc() {
    let files = rust_files();
    for dir in [
        "src/",
        "tests/",
        "benches/",
        "xtask/src/",
        "tools/kms-server/src/",
    ] {
        assert!(
            files.iter().any(|(file, _)| file.starts_with(dir)),
            "no .rs file found under {dir}: is the walk broken?"
        );
    }
    assert_clean("doc header", over_tree("", doc_header));
}

#[test]
fn tree_kmip_and_domain_use_no_browser_crate() {
    let mut violations = over_tree("src/kmip/", no_browser_crates);
    violations.extend(over_tree("src/domain/", no_browser_crates));
    assert_clean("browser crates in kmip/domain", violations);
}

#[test]
fn tree_modules_use_only_the_layers_below() {
    assert_clean("layering", over_tree("src/", layering));
}

#[test]
fn tree_the_export_operation_is_built_in_one_place() {
    assert_clean("KMIP \"Export\"", over_tree("src/", export_built_once));
}

#[test]
fn tree_nothing_uses_local_storage() {
    assert_clean("localStorage", over_tree("src/", no_local_storage));
}

#[test]
fn tree_vendor_attributes_are_written_only_by_the_store() {
    assert_clean(
        "vendor-attribute writes",
        over_tree("src/", vendor_attributes_written_by_the_store),
    );
}

#[test]
fn tree_stored_documents_are_named_only_in_their_stored_forms() {
    assert_clean(
        "stored document names",
        over_tree("src/", stored_names_only_in_stored_forms),
    );
}

#[test]
fn tree_times_kept_in_the_kms_have_one_writer() {
    assert_clean("RFC 3339 writers", over_tree("src/", one_rfc3339_writer));
}

#[test]
fn tree_no_json_above_the_client() {
    assert_clean(
        "serde_json above the domain",
        over_tree("src/", no_json_above_the_client),
    );
}

#[test]
fn tree_every_time_is_shown_by_the_one_formatter() {
    let files: Vec<(String, String)> = rust_files()
        .into_iter()
        .filter(|(file, _)| file.starts_with("src/"))
        .collect();
    let fields: Vec<String> = files
        .iter()
        .flat_map(|(_, text)| time_fields(text))
        .collect();
    assert!(
        fields.iter().any(|n| n == "recorded_at"),
        "LedgerEntry::recorded_at was not found as an OffsetDateTime field: is time_fields broken? {fields:?}"
    );
    let violations = files
        .iter()
        .flat_map(|(file, text)| time_display(file, text, &fields))
        .collect();
    assert_clean("time display", violations);
}

#[test]
fn tree_every_kms_version_agrees() {
    let manifest_path = "tools/kms-server/Cargo.toml";
    let manifest = fs::read_to_string(repo().join(manifest_path)).expect("the wrapper manifest");
    let reference = kms_pin(manifest_path, &manifest)
        .expect("tools/kms-server/Cargo.toml pins cosmian_kms_server = { version = \"=X\" … }");
    let mut others: Vec<VersionMention> = package_version(manifest_path, &manifest)
        .into_iter()
        .collect();
    for (file, text) in rust_files() {
        others.extend(version_consts(&file, &text));
    }
    assert!(
        others
            .iter()
            .any(|m| m.file == "tools/kms-server/src/main.rs"),
        "the server wrapper's SERVER_VERSION was not found: did it move? {others:?}"
    );
    assert_clean("KMS version", versions_agree(&reference, &others));
}

// ---------------------------------------------------------------------------
// Each rule can fail: synthetic inputs.
// ---------------------------------------------------------------------------

#[test]
fn mask_blanks_comments_and_optionally_strings_keeping_lines() {
    let src = "let a = \"x // y\"; // c \"Export\"\n/* b /* nested */ \"q\" */ let c = '\"'; 'a: loop {}\nr#\"raw \"Export\" \"#";
    let code = without_comments(src);
    assert_eq!(code.lines().count(), src.lines().count());
    assert!(code.contains("\"x // y\""), "{code}");
    assert!(!code.contains("// c"), "{code}");
    assert!(!code.contains("nested"), "{code}");
    assert!(code.contains("'a: loop"), "{code}");
    assert!(code.contains("raw \"Export\""), "{code}");
    let bare = bare_code(src);
    assert!(!bare.contains('x') && !bare.contains("Export"), "{bare}");
    assert!(bare.contains("'a: loop"), "{bare}");
}

#[test]
fn doc_header_wants_a_module_doc_first() {
    assert!(doc_header("src/a.rs", "//! Why.\n//! More.\nfn a() {}").is_empty());
    assert_eq!(
        doc_header("src/a.rs", "/// Not a module doc.\nfn a() {}")[0].to_string(),
        "src/a.rs:1: does not start with `//!`: open the file with a short `//!` doc saying why it exists"
    );
    assert_eq!(
        doc_header("src/a.rs", "use std::fmt;\n//! Late.\n").len(),
        1
    );
    assert_eq!(doc_header("src/a.rs", "").len(), 1);
}

#[test]
fn no_browser_crates_finds_paths_not_words() {
    let clean = "//! KMIP.\n// Unlike leptos code, this is plain.\nuse serde_json::json;\nlet s = \"web_sys\";\nfoo::leptos();";
    assert!(no_browser_crates("src/kmip/a.rs", clean).is_empty());
    let dirty = "//! KMIP.\nuse serde::Serialize;\nuse web_sys::Window;\nfn f() { gloo_net::http::Request::get(\"/\"); }";
    let found = no_browser_crates("src/kmip/a.rs", dirty);
    assert_eq!(found.iter().map(|v| v.line).collect::<Vec<_>>(), vec![3, 4]);
    assert!(found[0].message.contains("`web_sys`"), "{}", found[0]);
}

#[test]
fn crate_modules_reads_paths_and_groups() {
    let code = "use crate::kmip::A;\nuse crate::{\n    domain::{x, y},\n    pages,\n};\nlet z = crate::client::f();\nmy_crate::pages::g();";
    assert_eq!(
        crate_modules(code),
        vec![
            (1, "kmip".to_owned()),
            (3, "domain".to_owned()),
            (4, "pages".to_owned()),
            (6, "client".to_owned()),
        ]
    );
}

#[test]
fn layering_refuses_upward_uses() {
    let up =
        "//! Domain.\nuse crate::kmip::ObjectAttributes;\nuse crate::{client::Client, kmip};\n";
    let found = layering("src/domain/a.rs", up);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].line, 3);
    assert!(found[0].message.contains("`crate::client`"), "{}", found[0]);

    assert_eq!(
        layering("src/kmip/a.rs", "use crate::domain::Kek;").len(),
        1
    );
    assert_eq!(
        layering("src/actions/a.rs", "use crate::pages::Byok;").len(),
        1
    );
    assert!(layering("src/actions/a.rs", "use crate::client::Client;").is_empty());
    assert_eq!(
        layering("src/components/a.rs", "use crate::pages::x;").len(),
        1
    );
    assert!(layering("src/components/a.rs", "use crate::actions::x;").is_empty());
    assert_eq!(layering("src/client.rs", "use crate::actions::x;").len(), 1);
    assert!(layering("src/pages/a.rs", "use crate::actions::x;").is_empty());
    // Comments and strings are not uses.
    assert!(
        layering(
            "src/domain/a.rs",
            "// crate::client\nlet s = \"crate::pages\";"
        )
        .is_empty()
    );
}

#[test]
fn export_is_spelled_only_in_the_builder() {
    let elsewhere = "//! Client.\nlet op = \"Export\";\n// \"Export\" in a comment is fine\nlet r = \"ExportResponse\";";
    let found = export_built_once("src/client.rs", elsewhere);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].line, 2);
    assert_eq!(
        export_built_once("src/pages/a.rs", "let j = r#\"{\"tag\":\"Export\"}\"#;").len(),
        1
    );
    assert!(export_built_once(EXPORT_BUILDER, elsewhere).is_empty());
}

#[test]
fn local_storage_is_refused_in_code_not_in_comments() {
    let code = "//! Never localStorage.\nlet s: StoredValue<u8, LocalStorage>;\nwindow.local_storage();\neval(\"localStorage.clear()\");";
    let found = no_local_storage("src/a.rs", code);
    assert_eq!(found.iter().map(|v| v.line).collect::<Vec<_>>(), vec![3, 4]);
}

#[test]
fn vendor_attribute_builders_are_called_only_in_the_store() {
    let elsewhere = "//! Rotation.\n// kmip::set_vendor_attribute in a comment is fine\n\
                     use crate::kmip::{self, delete_vendor_attribute};\n\
                     let r = kmip::add_vendor_attribute(id, v, n, x);\n\
                     update_vendor_attribute(c, id, n, x).await;\n\
                     let s = \"set_vendor_attribute\";\n\
                     kmip::set_vendor_attribute(id, v, n, x)";
    let found = vendor_attributes_written_by_the_store("src/actions/rotation.rs", elsewhere);
    assert_eq!(
        found.iter().map(|v| v.line).collect::<Vec<_>>(),
        vec![3, 4, 7]
    );
    assert!(found[1].to_string().starts_with(
        "src/actions/rotation.rs:4: calls the KMIP builder add_vendor_attribute: write a stored document through src/actions/vendor_store.rs"
    ));
    assert!(vendor_attributes_written_by_the_store(VENDOR_STORE, elsewhere).is_empty());
    assert!(vendor_attributes_written_by_the_store("src/kmip/operations.rs", elsewhere).is_empty());
}

#[test]
fn stored_names_are_found_in_code_not_in_comments_or_tests() {
    let text = "//! \"byok_aws_copy_\" in a doc is fine.\nconst P: &str = \"byok_aws_copy_\";\n\
                let f = format!(\"byok-aws-runbook/{n}\");\nlet g = \"x\";\n\
                let h = format!(\"byok_google_copy_{id}\");\n\
                #[cfg(test)]\nmod tests {\n    const T: &str = \"byok_aws_copy_1\";\n}\n";
    let found = stored_names_only_in_stored_forms("src/actions/copies.rs", text);
    assert_eq!(
        found.iter().map(|v| v.line).collect::<Vec<_>>(),
        vec![2, 3, 5]
    );
    assert!(
        stored_names_only_in_stored_forms("src/domain/ledger/google/stored.rs", text).is_empty()
    );
    assert!(stored_names_only_in_stored_forms("src/domain/ledger/stored.rs", text).is_empty());
    assert!(stored_names_only_in_stored_forms("src/domain/aws/runbook/stored.rs", text).is_empty());
}

#[test]
fn rfc3339_is_written_only_by_the_stored_writer() {
    let text = "//! at.format(&Rfc3339) in a doc\nlet a = at.format(&Rfc3339)?;\nlet b = OffsetDateTime::parse(t, &Rfc3339);\n\
                #[cfg(test)]\nmod tests {\n    let c = at.format(&Rfc3339);\n}\n";
    let found = one_rfc3339_writer("src/domain/aws/kek_tags.rs", text);
    assert_eq!(found.iter().map(|v| v.line).collect::<Vec<_>>(), vec![2]);
    assert!(one_rfc3339_writer("src/domain/stored.rs", text).is_empty());
    assert!(one_rfc3339_writer("src/kmip/ttlv.rs", text).is_empty());
}

#[test]
fn json_is_refused_in_actions_components_and_pages_only() {
    let text = "//! No serde_json here.\nuse serde_json::Value;\nlet v = my_serde_json();\nserde_json::to_string(&x)";
    let found = no_json_above_the_client("src/pages/ledger.rs", text);
    assert_eq!(found.iter().map(|v| v.line).collect::<Vec<_>>(), vec![2, 4]);
    assert!(no_json_above_the_client("src/client.rs", text).is_empty());
    assert!(no_json_above_the_client("src/domain/stored.rs", text).is_empty());
}

#[test]
fn declarations_tell_time_fields_parameters_and_lets_from_literals() {
    let src = "//! A.\npub struct Entry {\n    pub recorded_at: OffsetDateTime,\n    pub name: String,\n}\nenum Event {\n    Seen { valid_to: Option<time::OffsetDateTime> },\n}\nfn f(at: &OffsetDateTime) -> Entry {\n    let when: OffsetDateTime = at;\n    Entry { recorded_at: when, name: \"x: OffsetDateTime\".into() }\n}\n";
    assert_eq!(time_fields(src), ["recorded_at", "valid_to"]);
    let all = declarations(src);
    let at = all.iter().find(|d| d.name == "at").unwrap();
    assert!(at.is_time && !at.is_field);
    // A parameter means a time in its function's body only.
    assert_eq!(&src[at.scope.0..at.scope.0 + 1], "{");
    assert!(src[at.scope.0..at.scope.1].contains("let when"));
    assert!(all.iter().any(|d| d.name == "when" && d.is_time));
    // The struct literal's `recorded_at: when` declares nothing.
    assert_eq!(all.iter().filter(|d| d.name == "recorded_at").count(), 1);
}

#[test]
fn time_display_flags_the_old_recorded_line_and_hand_written_utc() {
    let fields = vec!["recorded_at".to_owned(), "valid_to".to_owned()];
    // The ledger's "Recorded" before the one formatter: OffsetDateTime's Display.
    let old_recorded_line = "//! Ledger page.\nfn summary(entry: LedgerEntry) -> impl IntoView {\n    view! {\n        <dt>\"Recorded\"</dt>\n        <dd>{entry.recorded_at.to_string()}</dd>\n    }\n}\n";
    let found = time_display("src/pages/ledger.rs", old_recorded_line, &fields);
    assert_eq!(
        found.iter().map(ToString::to_string).collect::<Vec<_>>(),
        [
            "src/pages/ledger.rs:5: shows the OffsetDateTime `recorded_at` with Display (\"2026-12-06 21:06:36.0 +00:00:00\"): write it with crate::domain::time_display::utc_minutes"
        ]
    );
    assert!(
        time_display(
            "src/pages/ledger.rs",
            "//! L.\nfn s(e: &LedgerEntry) -> String { utc_minutes(e.recorded_at) }\n",
            &fields
        )
        .is_empty()
    );
    // Hand-written UTC formats: a placeholder then UTC, or " UTC" appended.
    let own = "//! Tags.\nfn when(t: OffsetDateTime) -> String {\n    format!(\n        \"{}-{:02}-{:02} {:02}:{:02} UTC\",\n        t.year(), t.month(), t.day(), t.hour(), t.minute()\n    )\n}\nfn sentence(&self) -> String { format_utc(self.valid_to, \"-\", \" \", \":\", \" UTC\") }\n";
    let found = time_display("src/domain/aws/kek_tags.rs", own, &fields);
    assert_eq!(found.iter().map(|v| v.line).collect::<Vec<_>>(), [4, 8]);
    assert!(
        found[0]
            .message
            .starts_with("writes its own \"… UTC\" time format"),
        "{}",
        found[0]
    );
    assert!(time_display(TIME_FORMATTER, own, &fields).is_empty());
    // Display through a placeholder or an argument, for fields and typed names in scope.
    let shown = "//! Confirm.\nfn a(d: &Describe) -> String {\n    match d.valid_to { Some(valid_to) => format!(\"ValidTo is {valid_to}\"), None => String::new() }\n}\nfn b(now: OffsetDateTime) -> String {\n    format!(\"at {}\", now)\n}\nfn c(now: &str) -> String {\n    format!(\"at {now}\")\n}\nfn d(e: &Entry) -> String {\n    format!(\"{:?} {}\", e.kind, e.recorded_at)\n}\n";
    let found = time_display("src/domain/ledger/confirm.rs", shown, &fields);
    assert_eq!(found.iter().map(|v| v.line).collect::<Vec<_>>(), [3, 6, 12]);
    // Stored formats, prose, comments, other types and test modules are not display.
    let fine = "//! Stored.\nstruct Wire {\n    recorded_at: String,\n}\nfn w(w: &Wire) -> String {\n    format!(\"recorded_at {} is not RFC 3339\", w.recorded_at)\n}\nfn ics(t: OffsetDateTime) -> String {\n    format!(\"{:04}{:02}{:02}T{:02}{:02}{:02}Z\", t.year(), t.month(), t.day(), t.hour(), t.minute(), t.second())\n}\n// Shows {recorded_at} in UTC.\nconst NOTE: &str = \"reminders at midnight UTC\";\n#[cfg(test)]\nmod tests {\n    fn t(e: &Entry) -> String { format!(\"{}\", e.recorded_at) }\n}\n";
    assert_eq!(time_display("src/domain/ledger.rs", fine, &fields), []);
}

#[test]
fn kms_versions_are_read_and_compared() {
    let manifest = "[package]\nname = \"w\"\nversion = \"5.28.0\"\n\n[dependencies]\ncosmian_kms_server = { version = \"=5.28.0\", features = [\"non-fips\"] }\ntokio = { version = \"1.44\" }\n";
    let pin = kms_pin("m.toml", manifest).unwrap();
    assert_eq!((pin.line, pin.version.as_str()), (6, "5.28.0"));
    let package = package_version("m.toml", manifest).unwrap();
    assert_eq!((package.line, package.version.as_str()), (3, "5.28.0"));
    assert!(kms_pin("m.toml", "cosmian_kms_server = \"5.28.0\"").is_none());

    let consts = version_consts(
        "tests/e2e/support/kms.rs",
        "//! KMS.\n// const KMS_VERSION: &str = \"0.0.0\";\npub const KMS_VERSION: &str = \"5.29.0\";\nconst TRUNK_VERSION: &str = \"1\";\nconst SERVER_VERSION: &str = \"5.28.0\";",
    );
    assert_eq!(
        consts
            .iter()
            .map(|m| (m.line, m.version.as_str()))
            .collect::<Vec<_>>(),
        vec![(3, "5.29.0"), (5, "5.28.0")]
    );
    let found = versions_agree(&pin, &consts);
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].to_string(),
        "tests/e2e/support/kms.rs:3: `KMS_VERSION` says 5.29.0 but m.toml:6 pins \
         cosmian_kms_server =5.28.0: make them agree (xtask reads the pin itself)"
    );
    assert!(versions_agree(&pin, &[package]).is_empty());
}

#[test]
fn the_walk_skips_build_output_and_fixtures() {
    assert!(skipped("target"));
    assert!(skipped("tools/kms-server/target"));
    assert!(skipped(".git"));
    assert!(skipped("tests/fixtures"));
    assert!(!skipped("tests/e2e"));
    assert!(!skipped("src"));
}
