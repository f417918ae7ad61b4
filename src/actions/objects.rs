//! Reading what the KMS holds: one object's attributes and tags, and the list
//! of AWS wrapping keys.

use std::cell::RefCell;
use std::collections::HashMap;

use crate::client::{KmsClient, RequestError};
use crate::domain::kek_tags::{AWS_TAG, KekTags, read_kek_tags};
use crate::kmip::{self, AttributeReference, LocateRequest, ObjectAttributes};

/// How long a listed object's attributes are reused before being asked again.
const RECENT_MS: f64 = 10.0 * 60.0 * 1000.0;

thread_local! {
    /// Objects described lately, per KMS address and id, with when: the export
    /// reuses what the pickers listed (the server still enforces states).
    static DESCRIBED: RefCell<HashMap<(String, String), (f64, ObjectAttributes)>> =
        RefCell::new(HashMap::new());
}

/// A stored object's attributes and tags, in one GetAttributes.
pub async fn describe(client: &KmsClient, id: &str) -> Result<ObjectAttributes, RequestError> {
    let reply = client
        .kmip(&kmip::get_attributes(id, &AttributeReference::DESCRIBE))
        .await?;
    let attributes = kmip::parse_get_attributes(&reply)?;
    let key = (client.url().to_string(), id.to_owned());
    let entry = (js_sys::Date::now(), attributes.clone());
    DESCRIBED.with_borrow_mut(|seen| seen.insert(key, entry));
    Ok(attributes)
}

/// Drops what was remembered of `id` (it was just replaced).
pub fn forget(client: &KmsClient, id: &str) {
    let key = (client.url().to_string(), id.to_owned());
    DESCRIBED.with_borrow_mut(|seen| seen.remove(&key));
}

/// What a page last showed of `id` (as a list described it), without asking the KMS.
pub fn as_listed(client: &KmsClient, id: &str) -> Option<ObjectAttributes> {
    let key = (client.url().to_string(), id.to_owned());
    DESCRIBED.with_borrow(|seen| seen.get(&key).map(|(_, attributes)| attributes.clone()))
}

/// What a list described in the last minutes, or else [`describe`]: for
/// showing objects, never for acting on them (an export re-reads them).
async fn describe_for_display(
    client: &KmsClient,
    id: &str,
) -> Result<ObjectAttributes, RequestError> {
    let key = (client.url().to_string(), id.to_owned());
    let now = js_sys::Date::now();
    let recent = DESCRIBED.with_borrow(|seen| {
        seen.get(&key)
            .filter(|(when, _)| now - when < RECENT_MS)
            .map(|(_, attributes)| attributes.clone())
    });
    match recent {
        Some(attributes) => Ok(attributes),
        None => describe(client, id).await,
    }
}

/// `describe`, or `None` when no object has this id.
pub async fn find(client: &KmsClient, id: &str) -> Result<Option<ObjectAttributes>, RequestError> {
    match describe(client, id).await {
        Ok(attributes) => Ok(Some(attributes)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// One line describing an object: "PublicKey · RSA 2048-bit · Active".
pub fn one_line(attributes: &ObjectAttributes) -> String {
    let mut parts = Vec::new();
    if let Some(kind) = &attributes.object_type {
        parts.push(kind.to_string());
    }
    match (&attributes.algorithm, attributes.length_bits) {
        (Some(algorithm), Some(bits)) => parts.push(format!("{algorithm} {bits}-bit")),
        (Some(algorithm), None) => parts.push(algorithm.to_string()),
        _ => {}
    }
    if let Some(state) = &attributes.state {
        parts.push(state.to_string());
    }
    parts.join(" · ")
}

/// An AWS wrapping key stored in the KMS.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredKek {
    pub attributes: ObjectAttributes,
    pub tags: KekTags,
}

/// Every object tagged `aws`, described.
pub async fn list_keks(client: &KmsClient) -> Result<Vec<StoredKek>, RequestError> {
    let vendor_id = client.vendor_id().await?;
    let reply = client
        .kmip(&kmip::locate(&LocateRequest {
            tags: vec![AWS_TAG.to_owned()],
            vendor_id,
            ..Default::default()
        }))
        .await?;
    let mut keks = Vec::new();
    for id in kmip::parse_locate(&reply)? {
        let attributes = describe(client, &id).await?;
        let tags = read_kek_tags(&attributes.tags);
        keks.push(StoredKek { attributes, tags });
    }
    // Ids are unique, so the unstable sort (smaller code) gives the same order.
    keks.sort_unstable_by(|a, b| {
        a.attributes
            .unique_identifier
            .cmp(&b.attributes.unique_identifier)
    });
    Ok(keks)
}

/// The most ids one Locate returns: the KMS caps it, whatever MaximumItems asks.
pub const LOCATE_CAP: usize = 1000;

/// Every object id the KMS lists, sorted (one Locate; the server ignores
/// OffsetItems, so pages are cut here, not asked for).
pub async fn list_object_ids(client: &KmsClient) -> Result<Vec<String>, RequestError> {
    let reply = client
        .kmip(&kmip::locate(&LocateRequest::default()))
        .await?;
    let mut ids = kmip::parse_locate(&reply)?;
    ids.sort_unstable();
    Ok(ids)
}

/// One page of the objects matching a search: which rows to show, and how many match.
#[derive(Clone, Debug, PartialEq)]
pub struct ObjectPage {
    pub rows: Vec<ObjectAttributes>,
    /// Objects matching the search, over every listed id.
    pub matches: usize,
}

/// Page `page` of `ids`, keeping those `matches` accepts (all when `searching`
/// is false); only the rows shown are described, unless a search needs every object's attributes.
pub async fn page_of_objects(
    client: &KmsClient,
    ids: &[String],
    searching: bool,
    matches: impl Fn(&ObjectAttributes) -> bool,
    page: usize,
    page_size: usize,
) -> Result<ObjectPage, RequestError> {
    if !searching {
        let mut rows = Vec::new();
        for id in ids.iter().skip(page * page_size).take(page_size) {
            rows.push(describe_for_display(client, id).await?);
        }
        return Ok(ObjectPage {
            rows,
            matches: ids.len(),
        });
    }
    let mut found = Vec::new();
    for id in ids {
        let attributes = describe_for_display(client, id).await?;
        if matches(&attributes) {
            found.push(attributes);
        }
    }
    Ok(ObjectPage {
        matches: found.len(),
        rows: found
            .into_iter()
            .skip(page * page_size)
            .take(page_size)
            .collect(),
    })
}

/// One page of the KMS's objects, described, sorted by id.
pub async fn list_objects(
    client: &KmsClient,
    page: u32,
    page_size: u32,
) -> Result<Vec<ObjectAttributes>, RequestError> {
    let ids = list_object_ids(client).await?;
    let page = page_of_objects(
        client,
        &ids,
        false,
        |_| true,
        page as usize,
        page_size as usize,
    )
    .await?;
    Ok(page.rows)
}
