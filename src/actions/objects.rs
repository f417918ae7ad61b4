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

/// What a list described in the last minutes, or else [`find`].
pub async fn find_recent(
    client: &KmsClient,
    id: &str,
) -> Result<Option<ObjectAttributes>, RequestError> {
    let key = (client.url().to_string(), id.to_owned());
    let now = js_sys::Date::now();
    let recent = DESCRIBED.with_borrow(|seen| {
        seen.get(&key)
            .filter(|(when, _)| now - when < RECENT_MS)
            .map(|(_, attributes)| attributes.clone())
    });
    match recent {
        Some(attributes) => Ok(Some(attributes)),
        None => find(client, id).await,
    }
}

/// `describe`, or `None` when no object has this id.
pub async fn find(client: &KmsClient, id: &str) -> Result<Option<ObjectAttributes>, RequestError> {
    match describe(client, id).await {
        Ok(attributes) => Ok(Some(attributes)),
        Err(RequestError::Refused {
            status: 422,
            reason,
        }) if reason.contains("Object_Not_Found") || reason.contains("not found") => Ok(None),
        Err(e) => Err(e),
    }
}

/// One line describing an object: "PublicKey · RSA 2048-bit · Active".
pub fn one_line(attributes: &ObjectAttributes) -> String {
    let mut parts = Vec::new();
    if let Some(kind) = &attributes.object_type {
        parts.push(kind.clone());
    }
    match (&attributes.algorithm, attributes.length_bits) {
        (Some(algorithm), Some(bits)) => parts.push(format!("{algorithm} {bits}-bit")),
        (Some(algorithm), None) => parts.push(algorithm.clone()),
        _ => {}
    }
    if let Some(state) = &attributes.state {
        parts.push(state.clone());
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

/// One page of the KMS's objects, described, in the server's order.
pub async fn list_objects(
    client: &KmsClient,
    page: u32,
    page_size: u32,
) -> Result<Vec<ObjectAttributes>, RequestError> {
    let reply = client
        .kmip(&kmip::locate(&LocateRequest {
            maximum_items: Some(page_size as i32),
            offset_items: Some((page * page_size) as i32),
            ..Default::default()
        }))
        .await?;
    let mut objects = Vec::new();
    for id in kmip::parse_locate(&reply)? {
        objects.push(describe(client, &id).await?);
    }
    Ok(objects)
}
