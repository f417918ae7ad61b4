//! Reading what the KMS holds: one object's attributes and tags, and lists of
//! them (AWS wrapping keys, pages of keys) described in one KMIP message.

use std::cell::RefCell;
use std::collections::HashMap;

use time::OffsetDateTime;

use crate::client::{KmsClient, RequestError};
use crate::domain::account::usable_ids;
use crate::domain::aws::kek_tags::{AWS_TAG, KekTags, KekValidity, read_kek_tags};
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
    remember(client, &attributes);
    Ok(attributes)
}

/// The most operations sent in one message: a Locate's worth of ids.
const MESSAGE_CAP: usize = LOCATE_CAP;

/// Every object of `ids` described, in one KMIP message per [`MESSAGE_CAP`]
/// ids (one round trip for any list a Locate returns), in the order given;
/// an object that fails (e.g. deleted since it was listed) fails alone.
pub async fn describe_many(
    client: &KmsClient,
    ids: &[String],
) -> Result<Vec<Result<ObjectAttributes, RequestError>>, RequestError> {
    let mut described = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(MESSAGE_CAP) {
        let operations: Vec<_> = chunk
            .iter()
            .map(|id| kmip::get_attributes(id, &AttributeReference::DESCRIBE))
            .collect();
        for item in client.kmip_batch(&operations).await? {
            let attributes = item.and_then(|reply| Ok(kmip::parse_get_attributes(&reply)?));
            if let Ok(attributes) = &attributes {
                remember(client, attributes);
            }
            described.push(attributes);
        }
    }
    Ok(described)
}

/// `describe_many` for a list: objects gone since they were listed are left
/// out, any other failure fails the list (as one request per object did).
pub async fn describe_listed(
    client: &KmsClient,
    ids: &[String],
) -> Result<Vec<ObjectAttributes>, RequestError> {
    let mut described = Vec::new();
    for item in describe_many(client, ids).await? {
        described.extend(found(item)?);
    }
    Ok(described)
}

fn remember(client: &KmsClient, attributes: &ObjectAttributes) {
    let key = (
        client.url().to_string(),
        attributes.unique_identifier.clone(),
    );
    let entry = (js_sys::Date::now(), attributes.clone());
    DESCRIBED.with_borrow_mut(|seen| seen.insert(key, entry));
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

/// What a list described in the last minutes, or else described now (the
/// others in one message): for showing objects, never for acting on them
/// (an export re-reads them).
async fn describe_for_display(
    client: &KmsClient,
    ids: &[String],
) -> Result<Vec<ObjectAttributes>, RequestError> {
    let url = client.url().to_string();
    let now = js_sys::Date::now();
    let recent: Vec<Option<ObjectAttributes>> = DESCRIBED.with_borrow(|seen| {
        ids.iter()
            .map(|id| {
                seen.get(&(url.clone(), id.clone()))
                    .filter(|(when, _)| now - when < RECENT_MS)
                    .map(|(_, attributes)| attributes.clone())
            })
            .collect()
    });
    let missing: Vec<String> = ids
        .iter()
        .zip(&recent)
        .filter(|(_, known)| known.is_none())
        .map(|(id, _)| id.clone())
        .collect();
    let mut fresh = describe_listed(client, &missing)
        .await?
        .into_iter()
        .peekable();
    let mut rows = Vec::with_capacity(ids.len());
    for (id, known) in ids.iter().zip(recent) {
        match known {
            Some(attributes) => rows.push(attributes),
            None => {
                if let Some(attributes) = fresh.next_if(|a| a.unique_identifier == *id) {
                    rows.push(attributes);
                }
            }
        }
    }
    Ok(rows)
}

/// An object's description, or `None` when no object has this id (any other failure stays one).
pub fn found(
    item: Result<ObjectAttributes, RequestError>,
) -> Result<Option<ObjectAttributes>, RequestError> {
    match item {
        Ok(attributes) => Ok(Some(attributes)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// `describe`, or `None` when no object has this id.
pub async fn find(client: &KmsClient, id: &str) -> Result<Option<ObjectAttributes>, RequestError> {
    found(describe(client, id).await)
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

impl StoredKek {
    /// What is known of its import parameters' validity at `now`.
    pub fn validity(&self, now: OffsetDateTime) -> KekValidity {
        KekValidity::of(&self.tags, now)
    }
}

/// The AWS wrapping keys the KMS lists: those it described, and the ids
/// listed whose object was gone by the time it was described.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct KekListing {
    pub keks: Vec<StoredKek>,
    /// Listed by the Locate, then no longer in the KMS (deleted meanwhile).
    pub gone: Vec<String>,
}

/// Every object tagged `aws`, described: one Locate, then one message.
pub async fn list_keks(client: &KmsClient) -> Result<Vec<StoredKek>, RequestError> {
    Ok(list_kek_rows(client).await?.keks)
}

/// [`list_keks`], keeping the ids whose object was deleted between the
/// Locate and the describe, for the list to say so on their row.
pub async fn list_kek_rows(client: &KmsClient) -> Result<KekListing, RequestError> {
    let tagged = list_tagged(client, AWS_TAG).await?;
    Ok(KekListing {
        keks: tagged
            .objects
            .into_iter()
            .map(|attributes| StoredKek {
                tags: read_kek_tags(&attributes.tags),
                attributes,
            })
            .collect(),
        gone: tagged.gone,
    })
}

/// The objects carrying a tag, described, sorted by id; and the ids listed whose object was
/// gone by the time it was described.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TaggedObjects {
    pub objects: Vec<ObjectAttributes>,
    /// Listed by the Locate, then no longer in the KMS (deleted meanwhile).
    pub gone: Vec<String>,
}

/// Every object tagged `tag`, described: one Locate, then one message (any cloud's KEKs).
pub async fn list_tagged(client: &KmsClient, tag: &str) -> Result<TaggedObjects, RequestError> {
    let vendor_id = client.vendor_id().await?;
    let reply = client
        .kmip(&kmip::locate(&LocateRequest {
            tags: vec![tag.to_owned()],
            vendor_id,
            ..Default::default()
        }))
        .await?;
    let mut ids = kmip::parse_locate(&reply)?;
    // Ids are unique, so the unstable sort (smaller code) gives the same order.
    ids.sort_unstable();
    let mut listing = TaggedObjects::default();
    for (id, item) in ids.iter().zip(describe_many(client, &ids).await?) {
        match item {
            Ok(attributes) => listing.objects.push(attributes),
            Err(e) if e.is_not_found() => listing.gone.push(id.clone()),
            Err(e) => return Err(e),
        }
    }
    Ok(listing)
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

/// [`list_object_ids`] without the objects shared with this user without
/// the right to export them (a second request: `/access/obtained`).
pub async fn exportable_object_ids(client: &KmsClient) -> Result<Vec<String>, RequestError> {
    let ids = list_object_ids(client).await?;
    let shared = client.shared_with_me().await?;
    Ok(usable_ids(ids, &shared, "export"))
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
        let shown: Vec<String> = ids
            .iter()
            .skip(page * page_size)
            .take(page_size)
            .cloned()
            .collect();
        return Ok(ObjectPage {
            rows: describe_for_display(client, &shown).await?,
            matches: ids.len(),
        });
    }
    let found: Vec<ObjectAttributes> = describe_for_display(client, ids)
        .await?
        .into_iter()
        .filter(|attributes| matches(attributes))
        .collect();
    Ok(ObjectPage {
        matches: found.len(),
        rows: found
            .into_iter()
            .skip(page * page_size)
            .take(page_size)
            .collect(),
    })
}

/// One page of the objects this user may export, described, sorted by id.
pub async fn list_objects(
    client: &KmsClient,
    page: u32,
    page_size: u32,
) -> Result<Vec<ObjectAttributes>, RequestError> {
    let ids = exportable_object_ids(client).await?;
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
