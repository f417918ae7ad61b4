//! Reading what the KMS holds: one object's attributes and tags, and lists of
//! them (AWS wrapping keys, pages of keys) described in one KMIP message.

use std::cell::RefCell;
use std::collections::HashMap;

use time::OffsetDateTime;

use crate::browser::now_utc;
use crate::client::{KmsClient, RequestError};
use crate::domain::account::usable_ids;
use crate::domain::aws::kek_tags::{AWS_TAG, KekTags, KekValidity, read_kek_tags};
use crate::domain::expiry_day::{DayWindow, EXPIRY_DAY_TAGGED, sort_located};
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

/// Every object tagged `aws` and `also` (e.g. a `key_arn:` tag), described:
/// one Locate, then one message.
pub async fn list_keks_tagged(
    client: &KmsClient,
    also: &str,
) -> Result<Vec<StoredKek>, RequestError> {
    let tagged = list_tagged_all(client, &[AWS_TAG.to_owned(), also.to_owned()]).await?;
    Ok(tagged.objects.into_iter().map(StoredKek::from).collect())
}

impl From<ObjectAttributes> for StoredKek {
    fn from(attributes: ObjectAttributes) -> Self {
        Self {
            tags: read_kek_tags(&attributes.tags),
            attributes,
        }
    }
}

/// Whether an AWS wrapping key's import parameters expired at `now`, by its tags.
pub fn kek_expired(attributes: &ObjectAttributes, now: OffsetDateTime) -> bool {
    KekValidity::of(&read_kek_tags(&attributes.tags), now).is_expired()
}

/// A cloud's stored wrapping keys as a list shows them, without describing the
/// expired ones: ids only, the first rows already described (and remembered).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UsableKeys {
    /// Still usable (or of unknown validity), sorted.
    pub usable: Vec<String>,
    /// Expired: by their day tag, or by their own tags once described; sorted.
    pub expired: Vec<String>,
    /// Listed by a Locate, then no longer in the KMS (deleted meanwhile).
    pub gone: Vec<String>,
    /// Whether the undated keys are in (the listing's second step is done).
    pub complete: bool,
}

/// The objects tagged `cloud_tag`, sorted by what their tags say, in two steps whatever their
/// number. First the keys found by their expiry day (few: today's and the next days'
/// `domain::expiry_day` tags; one message of Locates, then one describing today's, whose hour
/// may have passed, the first `first` later ones and `keep`, a chosen id): handed to
/// `on_dated` so a list can draw them. Then every object with the cloud's tag and every
/// day-tagged one (one message): the undated ones (the Cosmian CLI's, older imports) are
/// described and judged by `expired`; keys expired on an earlier day are only counted.
pub async fn list_usable(
    client: &KmsClient,
    cloud_tag: &str,
    expired: impl Fn(&ObjectAttributes, OffsetDateTime) -> bool,
    first: usize,
    keep: &str,
    on_dated: impl FnOnce(UsableKeys),
) -> Result<UsableKeys, RequestError> {
    let vendor_id = client.vendor_id().await?;
    let now = now_utc();
    let locate = |extra: Option<String>| {
        let mut tags = vec![cloud_tag.to_owned()];
        tags.extend(extra);
        kmip::locate(&LocateRequest {
            tags,
            vendor_id: vendor_id.clone(),
            ..Default::default()
        })
    };
    let locate_all = |operations: Vec<kmip::Ttlv>| async move {
        let mut lists = Vec::with_capacity(operations.len());
        for item in client.kmip_batch(&operations).await? {
            lists.push(kmip::parse_locate(&item?)?);
        }
        Ok::<_, RequestError>(lists)
    };

    // 1. The keys found by their expiry day, today's first.
    let by_day_lists = locate_all(
        DayWindow::AWS
            .days_to_locate(now)
            .into_iter()
            .map(|d| locate(Some(d)))
            .collect(),
    )
    .await?;
    let today = by_day_lists.first().cloned().unwrap_or_default();
    let by_day: Vec<String> = by_day_lists.concat();
    let mut dated: Vec<String> = by_day.clone();
    dated.sort_unstable();
    dated.dedup();

    // 2. Today's, the first page of the later ones and `keep` described: the list can be drawn.
    let mut to_describe = today.clone();
    to_describe.extend(
        dated
            .iter()
            .filter(|id| !today.contains(id))
            .take(first)
            .cloned(),
    );
    if !keep.is_empty()
        && !to_describe.iter().any(|id| id == keep)
        && dated.binary_search_by(|id| id.as_str().cmp(keep)).is_ok()
    {
        to_describe.push(keep.to_owned());
    }
    let mut keys = UsableKeys {
        usable: dated.clone(),
        ..Default::default()
    };
    judge(
        client,
        &mut keys,
        &to_describe,
        |id| today.iter().any(|t| t == id),
        &expired,
        now,
    )
    .await?;
    on_dated(keys.clone());

    // 3. Every object with the cloud's tag and every day-tagged one: the undated ones, described
    // and judged, and the keys expired on an earlier day (counted, never described).
    let lists = locate_all(vec![
        locate(None),
        locate(Some(EXPIRY_DAY_TAGGED.to_owned())),
    ])
    .await?;
    let located = sort_located(&lists[0], &lists[1], &by_day);
    keys.usable.extend(located.undated.iter().cloned());
    keys.expired.extend(located.dated_expired.iter().cloned());
    let mut to_describe = located.undated.clone();
    if !keep.is_empty() && located.dated_expired.iter().any(|id| id == keep) {
        to_describe.push(keep.to_owned());
    }
    judge(
        client,
        &mut keys,
        &to_describe,
        |id| {
            located
                .undated
                .binary_search_by(|u| u.as_str().cmp(id))
                .is_ok()
        },
        &expired,
        now,
    )
    .await?;
    keys.complete = true;
    Ok(keys)
}

/// Describes `ids` (in one message) and sorts them into `keys`: gone ones out of the lists,
/// those `judged` by their own tags moved to `expired` when `expired` says so.
async fn judge(
    client: &KmsClient,
    keys: &mut UsableKeys,
    ids: &[String],
    judged: impl Fn(&str) -> bool,
    expired: &impl Fn(&ObjectAttributes, OffsetDateTime) -> bool,
    now: OffsetDateTime,
) -> Result<(), RequestError> {
    for (id, item) in ids.iter().zip(describe_many(client, ids).await?) {
        match found(item)? {
            None => keys.gone.push(id.clone()),
            Some(attributes) if judged(id) && expired(&attributes, now) => {
                keys.expired.push(id.clone())
            }
            Some(_) => {}
        }
    }
    for list in [&mut keys.usable, &mut keys.expired, &mut keys.gone] {
        list.sort_unstable();
        list.dedup();
    }
    let (gone, expired) = (&keys.gone, &keys.expired);
    keys.usable
        .retain(|id| gone.binary_search(id).is_err() && expired.binary_search(id).is_err());
    keys.expired
        .retain(|id| keys.gone.binary_search(id).is_err());
    Ok(())
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
    list_tagged_all(client, &[tag.to_owned()]).await
}

/// Every object carrying all of `tags`, described: one Locate, then one message.
pub async fn list_tagged_all(
    client: &KmsClient,
    tags: &[String],
) -> Result<TaggedObjects, RequestError> {
    let vendor_id = client.vendor_id().await?;
    let reply = client
        .kmip(&kmip::locate(&LocateRequest {
            tags: tags.to_vec(),
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
