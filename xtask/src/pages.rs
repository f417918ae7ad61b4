//! The app's pages as the build sees them: each one's folder (src/routes.rs's `Page::segments`)
//! and its split point (named after it by `lazy_page!` in src/app.rs), for the bundle and the loader.

use crate::process::Result;

/// Every page's folder, as src/routes.rs's `Page::segments` names them.
pub const ROUTES_SOURCE: &str = include_str!("../../src/routes.rs");

/// `("aws/byok", "Byok")`, … (folder, `Page` variant) read from the
/// `segments` match of src/routes.rs, so a new page gets its folder without a
/// second list.
pub fn route_folders(source: &str) -> Vec<(String, String)> {
    let Some(start) = source.find("pub fn segments") else {
        return Vec::new();
    };
    let body = &source[start..];
    let body = &body[..body.find("\n    }\n").unwrap_or(body.len())];
    body.lines()
        .filter_map(|line| {
            let (variant, pair) = line.split_once("=> (\"")?;
            let variant = variant.trim().strip_prefix("Self::")?.trim();
            let (section, rest) = pair.split_once('"')?;
            let (_, rest) = rest.split_once('"')?;
            let (page, _) = rest.split_once('"')?;
            Some((format!("{section}/{page}"), variant.to_owned()))
        })
        .collect()
}

/// The split point of a page in src/app.rs's `lazy_page!`: its variant in
/// snake case, then `_view` (`ImportKek` → `import_kek_view`).
pub fn view_of(variant: &str) -> String {
    let mut view = String::new();
    for c in variant.chars() {
        if c.is_uppercase() && !view.is_empty() {
            view.push('_');
        }
        view.push(c.to_ascii_lowercase());
    }
    view + "_view"
}

/// The split point of `variant`'s page among `splits` (wasm-split names it
/// `<view>_<digits>`).
pub fn page_split<'a>(
    variant: &str,
    splits: impl Iterator<Item = &'a String> + Clone,
) -> Result<&'a String> {
    let prefix = format!("{}_", view_of(variant));
    splits
        .clone()
        .find(|split| {
            split
                .strip_prefix(&prefix)
                .is_some_and(|rest| rest.chars().all(|c| c.is_ascii_digit()))
        })
        .ok_or_else(|| {
            format!(
                "page {variant} has no split {prefix}… (found {:?}): give it a lazy_page! in src/app.rs",
                splits.collect::<Vec<_>>()
            )
        })
}

/// Every page's folder (as `route_folders`) and its split point among `splits`.
pub fn page_splits<'a>(
    splits: impl Iterator<Item = &'a String> + Clone,
) -> Result<Vec<(String, &'a String)>> {
    route_folders(ROUTES_SOURCE)
        .into_iter()
        .map(|(folder, variant)| Ok((folder, page_split(&variant, splits.clone())?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_of_the_app_gets_a_folder() {
        let folders = route_folders(ROUTES_SOURCE);
        assert!(
            folders.contains(&(
                "aws/export-key-material".to_owned(),
                "ExportKeyMaterial".to_owned()
            )),
            "{folders:?}"
        );
        assert!(
            folders.contains(&("sym/create".to_owned(), "CreateSymmetric".to_owned())),
            "{folders:?}"
        );
        assert!(folders.len() >= 7, "{folders:?}");
    }
}
