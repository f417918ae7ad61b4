//! Thin wrappers over the browser APIs the components need (clock, files,
//! downloads, clipboard, session storage), so components stay declarative.

use js_sys::{Array, Uint8Array};
use time::OffsetDateTime;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// The current time from the browser's clock.
pub fn now_utc() -> OffsetDateTime {
    let nanos = (js_sys::Date::now() * 1_000_000.0) as i128;
    OffsetDateTime::from_unix_timestamp_nanos(nanos).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// The origin that served this page, e.g. `http://127.0.0.1:9998`.
pub fn page_origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// Reads a picked or dropped file, refusing it by size before reading.
pub async fn read_file(file: &web_sys::File, max_bytes: u64) -> Result<Vec<u8>, String> {
    let size = file.size() as u64;
    if size > max_bytes {
        return Err(format!(
            "The file \"{}\" is {}; the largest accepted here is {}. Choose the right file.",
            file.name(),
            human_bytes(size),
            human_bytes(max_bytes)
        ));
    }
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(|_| format!("The file \"{}\" could not be read.", file.name()))?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// "550 bytes", "12.3 KB", "50.0 MB".
pub fn human_bytes(bytes: u64) -> String {
    match bytes {
        0..=9_999 => format!("{bytes} bytes"),
        10_000..=9_999_999 => format!("{} KB", one_decimal(bytes as f64 / 1_000.0)),
        _ => format!("{} MB", one_decimal(bytes as f64 / 1_000_000.0)),
    }
}

/// `value` with one decimal, rounded exactly as `format!("{value:.1}")` does
/// (the binary value, half to even), for `1 <= value < 2^52`: without core's
/// float formatting, which costs about 7 KB of the gzipped bundle.
fn one_decimal(value: f64) -> String {
    let bits = value.to_bits();
    let mantissa = u128::from((bits & ((1 << 52) - 1)) | (1 << 52));
    // value = mantissa / 2^shift, and 1 <= value < 2^52 puts shift in 1..=52.
    let shift = 1075 - ((bits >> 52) & 0x7ff) as u32;
    debug_assert!((1..=52).contains(&shift), "{value} out of range");
    let scaled = mantissa * 10;
    let (floor, rest, half) = (
        scaled >> shift,
        scaled & ((1 << shift) - 1),
        1 << (shift - 1),
    );
    let tenths = floor + u128::from(rest > half || (rest == half && floor % 2 == 1));
    // Below 2^56: u64 spares the bundle u128 formatting.
    let tenths = tenths as u64;
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// Unicode lower case by the browser's `toLowerCase`, the same full mapping
/// as `str::to_lowercase`, without Rust's case tables (about 8 KB of the
/// gzipped bundle).
pub fn to_lowercase(text: &str) -> String {
    js_sys::JsString::from(text).to_lower_case().into()
}

/// Offers `bytes` as a file download named `file_name`.
pub fn download(bytes: &[u8], file_name: &str) -> Result<(), String> {
    let fail = |what: &str| format!("The browser refused to {what} for {file_name}.");
    let parts = Array::of1(&Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/octet-stream");
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        .map_err(|_| fail("create the file"))?;
    let url =
        web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| fail("create a link"))?;
    let document = leptos::prelude::document();
    let anchor = document
        .create_element("a")
        .ok()
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
        .ok_or_else(|| fail("create a link"))?;
    anchor.set_href(&url);
    anchor.set_download(file_name);
    anchor.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// Whether the Clipboard API is usable (it needs a secure context).
pub fn clipboard_available() -> bool {
    leptos::prelude::window().is_secure_context()
}

/// Copies `text` to the clipboard.
pub async fn copy_text(text: &str) -> Result<(), String> {
    let clipboard = leptos::prelude::window().navigator().clipboard();
    JsFuture::from(clipboard.write_text(text))
        .await
        .map(|_| ())
        .map_err(|_| "The browser refused to copy: select the text and copy it by hand.".to_owned())
}

fn session_storage() -> Option<web_sys::Storage> {
    leptos::prelude::window().session_storage().ok().flatten()
}

/// Every sessionStorage entry the app keeps, spelled once (the tests use it too).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SessionKey {
    /// The KMS address chosen in Settings.
    ServerUrl,
    /// The bearer token chosen in Settings.
    Token,
    /// The guided flow's draft (JSON).
    GuidedDraft,
    /// The AWS import token that came with the KEK stored under this id.
    ImportToken(String),
    /// When that token stops being valid (ParametersValidTo, Unix seconds), when known.
    ImportTokenValidTo(String),
    /// Where the user was (path, query, fragment) when they left to sign in.
    ReturnTo,
    /// The form fields of that page as they were (JSON, see [`FieldSnapshot`]).
    FormSnapshot,
}

impl SessionKey {
    /// The storage key's spelling.
    pub fn name(&self) -> String {
        match self {
            Self::ServerUrl => "byok.server_url".to_owned(),
            Self::Token => "byok.token".to_owned(),
            Self::GuidedDraft => "byok.guided".to_owned(),
            Self::ImportToken(kek_id) => format!("byok.import_token.{kek_id}"),
            Self::ImportTokenValidTo(kek_id) => format!("byok.import_token_valid_to.{kek_id}"),
            Self::ReturnTo => "byok.return_to".to_owned(),
            Self::FormSnapshot => "byok.form_snapshot".to_owned(),
        }
    }
}

/// Reads this tab's sessionStorage.
pub fn session_get(key: &SessionKey) -> Option<String> {
    session_storage().and_then(|s| s.get_item(&key.name()).ok().flatten())
}

/// Writes (or, for an empty value, removes) a sessionStorage entry.
pub fn session_set(key: &SessionKey, value: &str) {
    if let Some(storage) = session_storage() {
        let key = key.name();
        let _ = if value.is_empty() {
            storage.remove_item(&key)
        } else {
            storage.set_item(&key, value)
        };
    }
}

/// This page's path, query and fragment, e.g. `/ui/aws/byok?x=1#step-3`.
pub fn page_location() -> String {
    let location = leptos::prelude::window().location();
    [location.pathname(), location.search(), location.hash()]
        .into_iter()
        .map(Result::unwrap_or_default)
        .collect()
}

/// Leaves the app for `url` (a full page load, e.g. the KMS's sign-in).
pub fn go_to(url: &str) {
    let _ = leptos::prelude::window().location().assign(url);
}

/// Loads `url` in place of this page (no history entry for this one).
pub fn replace_page(url: &str) {
    let _ = leptos::prelude::window().location().replace(url);
}

/// One form control of the page as the user left it.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FieldSnapshot {
    pub id: String,
    /// The text, or the chosen option; `None` for a check box or radio button.
    pub value: Option<String>,
    /// Whether a check box or radio button is ticked.
    pub checked: Option<bool>,
}

/// Every labelled control in `<main>` (by id) except files and passwords,
/// which a browser cannot put back and the app never keeps.
pub fn snapshot_form_fields() -> Vec<FieldSnapshot> {
    let Some(document) = leptos::prelude::window().document() else {
        return Vec::new();
    };
    let Ok(nodes) =
        document.query_selector_all("main input[id], main textarea[id], main select[id]")
    else {
        return Vec::new();
    };
    (0..nodes.length())
        .filter_map(|i| nodes.item(i))
        .filter_map(|node| field_of(&node))
        .collect()
}

fn field_of(node: &web_sys::Node) -> Option<FieldSnapshot> {
    if let Some(input) = node.dyn_ref::<web_sys::HtmlInputElement>() {
        let kind = input.type_();
        return match kind.as_str() {
            "file" | "password" | "hidden" | "submit" | "button" => None,
            "checkbox" | "radio" => Some(FieldSnapshot {
                id: input.id(),
                value: None,
                checked: Some(input.checked()),
            }),
            _ => Some(FieldSnapshot {
                id: input.id(),
                value: Some(input.value()),
                checked: None,
            }),
        };
    }
    if let Some(area) = node.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        return Some(FieldSnapshot {
            id: area.id(),
            value: Some(area.value()),
            checked: None,
        });
    }
    node.dyn_ref::<web_sys::HtmlSelectElement>()
        .map(|select| FieldSnapshot {
            id: select.id(),
            value: Some(select.value()),
            checked: None,
        })
}

/// Puts `field` back if its control is on the page, as if typed or clicked
/// (so the page's own handlers see it); `true` once it holds the value.
pub fn restore_form_field(field: &FieldSnapshot) -> bool {
    let Some(element) = leptos::prelude::window()
        .document()
        .and_then(|d| d.get_element_by_id(&field.id))
    else {
        return false;
    };
    if let (Some(input), Some(checked)) = (
        element.dyn_ref::<web_sys::HtmlInputElement>(),
        field.checked,
    ) {
        if input.checked() != checked {
            input.click();
        }
        return input.checked() == checked;
    }
    let Some(value) = &field.value else {
        return true;
    };
    let current = if let Some(input) = element.dyn_ref::<web_sys::HtmlInputElement>() {
        if input.value() != *value {
            input.set_value(value);
            announce_change(&element);
        }
        input.value()
    } else if let Some(area) = element.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        if area.value() != *value {
            area.set_value(value);
            announce_change(&element);
        }
        area.value()
    } else if let Some(select) = element.dyn_ref::<web_sys::HtmlSelectElement>() {
        if select.value() != *value {
            select.set_value(value);
            announce_change(&element);
        }
        select.value()
    } else {
        return true;
    };
    current == *value
}

/// Fires `input` and `change` as the browser does after typing.
fn announce_change(element: &web_sys::Element) {
    for kind in ["input", "change"] {
        let init = web_sys::EventInit::new();
        init.set_bubbles(true);
        if let Ok(event) = web_sys::Event::new_with_event_init_dict(kind, &init) {
            let _ = element.dispatch_event(&event);
        }
    }
}

/// `N` bytes from the browser's cryptographic random generator.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    if let Ok(crypto) = leptos::prelude::window().crypto() {
        let _ = crypto.get_random_values_with_u8_array(&mut bytes);
    }
    bytes
}

/// Keeps the AWS import token that came with the KEK stored as `kek_id`, and
/// its ParametersValidTo when known (else forgets any earlier one), for this
/// tab's export results.
pub fn store_import_token(kek_id: &str, token: &[u8], valid_to: Option<OffsetDateTime>) {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(token);
    session_set(&SessionKey::ImportToken(kek_id.to_owned()), &b64);
    let seconds = valid_to.map(|v| v.unix_timestamp().to_string());
    session_set(
        &SessionKey::ImportTokenValidTo(kek_id.to_owned()),
        seconds.as_deref().unwrap_or_default(),
    );
}

/// The ParametersValidTo kept with the import token of `kek_id`, if known.
pub fn stored_import_token_valid_to(kek_id: &str) -> Option<OffsetDateTime> {
    session_get(&SessionKey::ImportTokenValidTo(kek_id.to_owned()))
        .and_then(|seconds| seconds.parse().ok())
        .and_then(|seconds| OffsetDateTime::from_unix_timestamp(seconds).ok())
}

/// The import token kept for the KEK stored as `kek_id`, if this tab has one.
pub fn stored_import_token(kek_id: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    session_get(&SessionKey::ImportToken(kek_id.to_owned()))
        .and_then(|b64| base64::engine::general_purpose::STANDARD.decode(b64).ok())
}

#[cfg(test)]
mod tests {
    use super::{human_bytes, one_decimal};

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(human_bytes(550), "550 bytes");
        assert_eq!(human_bytes(65_536), "65.5 KB");
        assert_eq!(human_bytes(50_000_000), "50.0 MB");
    }

    #[test]
    fn one_decimal_rounds_as_float_formatting_does() {
        let kilo = (10_000..2_000_000).chain((10_050..10_000_000).step_by(100));
        for bytes in kilo {
            let value = bytes as f64 / 1_000.0;
            assert_eq!(one_decimal(value), format!("{value:.1}"), "{bytes} bytes");
        }
        let mega = (10_000_000..10_000_000_000).step_by(49_999).chain([
            10_050_000,
            10_250_000,
            10_750_000,
            123_450_000,
            9_007_199_254_740_993,
            u64::MAX,
        ]);
        for bytes in mega {
            let value = bytes as f64 / 1_000_000.0;
            assert_eq!(one_decimal(value), format!("{value:.1}"), "{bytes} bytes");
        }
        for value in [
            1.0,
            1.25,
            1.35,
            2.5,
            2.75,
            9.95,
            99.95,
            0.5e15,
            4.5e15 - 0.5,
        ] {
            assert_eq!(one_decimal(value), format!("{value:.1}"), "{value}");
        }
    }
}
