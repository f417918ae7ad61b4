//! Azure copies in the BYOK ledger, in headless Chromium against the real KMS: recorded at
//! export and read back by this test's own KMIP client, confirmed by `az keyvault key import`
//! JSON (another key's refused, nothing written), listed beside an AWS copy of the same key;
//! proven the same key in the KMS from `az keyvault key show`'s JWK, and its expiry moved.
//!
//! No emulator accepts an Azure BYOK import; the JSON pasted here is built in the shape
//! azure-cli prints (`transform_key_bundle`), as `domain::azure::outputs` reads it.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use byok_ui::domain::account::UserId;
use byok_ui::domain::aws::arn::AwsKeyArn;
use byok_ui::domain::aws::import_command::Expiration;
use byok_ui::domain::aws::key_spec::AwsKeySpec;
use byok_ui::domain::azure::kid::AzureKeyId;
use byok_ui::domain::azure::outputs::read_key_output;
use byok_ui::domain::azure::rules::AzureKeyType;
use byok_ui::domain::key_material::{EcCurve, KeyMaterialSpec};
use byok_ui::domain::ledger::azure::{AzureCopy, AzureEventKind, AzureExport, is_azure_attribute};
use byok_ui::domain::ledger::{
    CommandOptions, ExportRecord, LedgerEntry, LedgerState, midnight_utc, new_entry_id, sha256_hex,
};
use byok_ui::domain::wrapping::WrappingAlgorithm;
use byok_ui::kmip::{self, CreateKeyPairRequest, CryptographicAlgorithm, KeyPairKind, UsageMask};
use serde_json::json;
use time::OffsetDateTime;

use crate::support::aws::ARN;
use crate::support::pages::{AzureExportPage, LedgerPage};
use crate::support::seed::{
    add_ledger_entry, attributes, azure_kek, create_material, ledger_attributes, proof_leftovers,
    vendor_attributes,
};
use crate::support::{Browser, Kms};

/// The Key Vault Premium KEK's kid.
const KEK_KID: &str =
    "https://contosokv.vault.azure.net/keys/KEKforBYOK/664f5aa2797a4075b8e36ca4500636d8";
/// The version Azure gives the imported key.
const VERSION: &str = "8fd7a3e7dbb84ccf9d6c3a0a1b2c3d4e";
const STATUS: &str = "[data-testid=azure-ledger-status]";
const PASTE: &str = "Azure's JSON output (az keyvault key import, show or set-attributes)";
const PROOF: &str = "az keyvault key show JSON to prove the same key";

/// `az keyvault key import`'s JSON for an EC-HSM P-256 key named `name` in `vault`.
fn import_output(vault: &str, name: &str, version: &str, expires: &str) -> String {
    key_output(vault, name, version, expires, ("AQID", "BAUG"))
}

/// `az keyvault key import`, `show` or `set-attributes`'s JSON (azure-cli prints the same key
/// bundle for each) for an EC-HSM P-256 key with the point (`x`, `y`) in base64.
fn key_output(
    vault: &str,
    name: &str,
    version: &str,
    expires: &str,
    (x, y): (&str, &str),
) -> String {
    serde_json::to_string_pretty(&json!({
        "attributes": {
            "created": "2026-12-01T09:30:00+00:00",
            "enabled": true,
            "expires": expires,
            "exportable": false,
            "notBefore": null,
            "recoveryLevel": "Recoverable+Purgeable",
            "updated": "2026-12-01T09:30:00+00:00",
        },
        "key": {
            "crv": "P-256",
            "d": null,
            "e": null,
            "keyOps": ["sign", "verify"],
            "kid": format!("https://{vault}.vault.azure.net/keys/{name}/{version}"),
            "kty": "EC-HSM",
            "n": null,
            "x": x,
            "y": y,
        },
        "managed": null,
        "tags": null,
    }))
    .unwrap()
}

/// The Azure copies of `key_id`, read by this test's own KMIP client; every one must parse.
fn azure_copies(kms: &Kms, key_id: &str) -> Vec<(String, AzureCopy)> {
    vendor_attributes(kms, key_id)
        .into_iter()
        .filter(|(name, _)| is_azure_attribute(name))
        .map(|(name, value)| {
            let copy = AzureCopy::from_attribute(&name, &value)
                .unwrap_or_else(|e| panic!("{name} = {value}: {e}"));
            (value, copy)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn ledger_azure_copy_recorded_at_export_confirmed_by_azure_json_and_listed_beside_aws() {
    let kms = Kms::with_ui();
    let vendor = kms.vendor_id();
    azure_kek(&kms, &vendor, "kek-ledger", KEK_KID);
    let key = create_material(
        &kms,
        &vendor,
        "ledger-ec",
        KeyMaterialSpec::EcPrivate {
            curve: EcCurve::P256,
        },
    );
    // An AWS copy of the same key, written by another KMIP client before.
    let now = OffsetDateTime::now_utc();
    let aws = LedgerEntry::exported(
        new_entry_id(now - time::Duration::minutes(5), [7; 6]),
        Some(AwsKeyArn::parse(ARN).unwrap()),
        AwsKeySpec::parse("ECC_NIST_P256").unwrap(),
        ExportRecord {
            kek_id: "aws-kek".into(),
            kek_sha256: sha256_hex(b"kek"),
            wrapping_algorithm: WrappingAlgorithm::RsaesOaepSha256,
            material_sha256: sha256_hex(b"material"),
        },
        Some(CommandOptions {
            expiration: Expiration::DoesNotExpire,
            import_type: None,
            description: None,
        }),
        now,
        &UserId::new("seed-client@example.com").unwrap(),
    );
    add_ledger_entry(&kms, &key, &aws).unwrap();
    let aws_stored = ledger_attributes(&kms, &key);

    // 1. The export records the Azure copy at once; copying the command records its options.
    let browser = Browser::start().await;
    AzureExportPage::open(&browser, &kms, &key, "kek-ledger").await;
    AzureExportPage::export(&browser).await;
    let status = browser
        .wait_for_text(STATUS, |t| t.starts_with("Recorded in the BYOK ledger"))
        .await;
    let prefix = format!("Recorded in the BYOK ledger on {key} as Azure copy ");
    let id = status
        .strip_prefix(&prefix)
        .and_then(|rest| rest.split(' ').next())
        .unwrap_or_else(|| panic!("no copy id in {status:?}"))
        .to_owned();
    assert!(
        status.contains("(https://contosokv.vault.azure.net) by admin."),
        "{status}"
    );
    let sha256 = browser
        .wait_for_text(AzureExportPage::SHA256, |t| t.len() == 64)
        .await;
    let expires = (now + time::Duration::days(20)).date();
    browser.fill("#azure-expires", &expires.to_string()).await;
    let command = browser
        .wait_for_text(AzureExportPage::COMMAND, |t| t.contains("--expires"))
        .await;
    browser
        .click("button[aria-label='Copy the az keyvault key import command']")
        .await;
    browser
        .wait_for_text(STATUS, |t| {
            t.contains("The import command's options are recorded with it")
        })
        .await;
    assert_eq!(browser.clipboard().await, command);
    browser
        .assert_accessible("Azure export result with its ledger line")
        .await;

    // 2. Read back by this test's own KMIP client, beside the AWS entry left byte for byte.
    let copies = azure_copies(&kms, &key);
    assert_eq!(copies.len(), 1, "{copies:?}");
    let (_, copy) = &copies[0];
    assert_eq!(copy.id, id);
    assert_eq!(copy.key_type.to_string(), "EC-HSM P-256");
    assert_eq!(copy.vault, "https://contosokv.vault.azure.net");
    let export = copy.export.as_ref().unwrap();
    assert_eq!(export.kek_id, "kek-ledger");
    assert_eq!(export.kek_kid.to_string(), KEK_KID);
    assert_eq!(
        export.kek_sha256, None,
        "the CLI's tags carry no fingerprint"
    );
    assert_eq!(export.byok_sha256, sha256);
    let options = copy.command.as_ref().unwrap();
    assert_eq!(options.key_name.as_str(), key);
    assert_eq!(options.expires, Some(midnight_utc(expires)));
    assert_eq!(copy.recorded_by.as_ref().map(UserId::as_str), Some("admin"));
    assert!(copy.events.is_empty());
    assert_eq!(
        ledger_attributes(&kms, &key),
        aws_stored,
        "AWS entry untouched"
    );

    // 3. The ledger lists both copies of the key side by side; the cloud filter shows each alone.
    LedgerPage::open(&browser, &kms.url()).await;
    LedgerPage::state_of(&browser, &id, |t| t == "exported").await;
    LedgerPage::wait_for_clouds(&browser, &["Azure", "AWS"]).await;
    let place = browser
        .wait_for_text(
            &format!("tr[data-entry-id='{id}'] [data-testid=entry-place]"),
            |t| !t.is_empty(),
        )
        .await;
    assert_eq!(
        place,
        format!("https://contosokv.vault.azure.net/keys/{key} (version not known yet)")
    );
    let aws_row = browser
        .wait_for_text(&format!("tr[data-entry-id='{}']", aws.id), |t| {
            t.contains(ARN)
        })
        .await;
    assert!(aws_row.contains("KeyMaterialId"), "{aws_row}");
    let cloud = browser.labelled("Cloud").await;
    browser.select(&cloud, "aws").await;
    LedgerPage::wait_for_clouds(&browser, &["AWS"]).await;
    browser.select(&cloud, "azure").await;
    LedgerPage::wait_for_clouds(&browser, &["Azure"]).await;
    // The state filter still applies: the Azure copy is not confirmed yet, and expires in 20 days.
    let show = browser.labelled("Show").await;
    browser.select(&show, "expiring").await;
    LedgerPage::wait_for_clouds(&browser, &["Azure"]).await;
    browser.select(&cloud, "all").await;
    browser.select(&show, "all").await;
    LedgerPage::wait_for_clouds(&browser, &["Azure", "AWS"]).await;
    browser
        .wait_for_text("[data-testid=earliest-expiry]", |t| {
            t.starts_with(&format!(
                "Earliest expiry: the copy of {key} in Azure https://contosokv.vault.azure.net/keys/{key}"
            ))
        })
        .await;
    browser
        .assert_accessible("ledger with AWS and Azure copies")
        .await;

    // 4. Another key's JSON is refused before anything is sent, and the copy stays as it was.
    browser.click_button(&format!("Open {id}")).await;
    browser
        .wait_for_text("#entry-title", |t| t == format!("Azure copy {id}"))
        .await;
    let before = azure_copies(&kms, &key);
    let field = browser.labelled(PASTE).await;
    let other = import_output(
        "contosokv",
        "another-key",
        VERSION,
        "2027-06-30T12:00:00+00:00",
    );
    browser.paste(&field, &other).await;
    browser.click_button("Check and record").await;
    browser
        .wait_for_text("[data-testid=entry-details] .error-banner", |t| {
            t.contains(&format!(
                "This output is for the key another-key, not {key}"
            ))
        })
        .await;
    let elsewhere = import_output("elsewhere", &key, VERSION, "2027-06-30T12:00:00+00:00");
    browser.paste(&field, &elsewhere).await;
    browser.click_button("Check and record").await;
    browser
        .wait_for_text("[data-testid=entry-details] .error-banner", |t| {
            t.contains("This key is in https://elsewhere.vault.azure.net")
        })
        .await;
    browser
        .assert_accessible("Azure copy with another key's JSON refused")
        .await;
    assert_eq!(azure_copies(&kms, &key), before, "nothing written");

    // 5. The import's own JSON confirms the copy: version and Azure's expiry recorded.
    let azure_expires = "2027-06-30T12:00:00+00:00";
    browser
        .paste(
            &field,
            &import_output("contosokv", &key, VERSION, azure_expires),
        )
        .await;
    browser.click_button("Check and record").await;
    let kid = format!("https://contosokv.vault.azure.net/keys/{key}/{VERSION}");
    browser
        .wait_for_text("[data-testid=ledger-applied]", |t| {
            t.contains(&format!("Azure confirms this copy: {kid} is imported."))
                && t.contains("Recorded in the copy by admin.")
        })
        .await;
    browser
        .wait_for_text("[data-testid=details-state]", |t| t == "imported")
        .await;
    let copies = azure_copies(&kms, &key);
    let (_, copy) = &copies[0];
    assert_eq!(
        copy.key_kid.as_ref().map(ToString::to_string),
        Some(kid.clone())
    );
    assert_eq!(copy.state(OffsetDateTime::now_utc()), LedgerState::Imported);
    assert_eq!(copy.events.len(), 1, "{:?}", copy.events);
    let event = &copy.events[0];
    assert_eq!(event.by.as_ref().map(UserId::as_str), Some("admin"));
    let AzureEventKind::Confirmed {
        kid: confirmed,
        enabled,
        ..
    } = &event.kind
    else {
        panic!("not a confirmation: {event:?}");
    };
    assert_eq!((confirmed.to_string(), *enabled), (kid.clone(), Some(true)));
    assert_eq!(
        copy.expires(),
        Some(time::macros::datetime!(2027-06-30 12:00 UTC)),
        "Azure's expires wins over the command's"
    );
    assert_eq!(
        ledger_attributes(&kms, &key),
        aws_stored,
        "AWS entry untouched"
    );
    browser.click_button("Read the ledger again").await;
    LedgerPage::state_of(&browser, &id, |t| t == "imported").await;
    browser
        .wait_for_text(
            &format!("tr[data-entry-id='{id}'] [data-testid=entry-place]"),
            |t| t == kid,
        )
        .await;
    browser.close().await;
}

/// An EC P-256 signing pair made as the create page makes it: (private id, public id).
fn signing_pair(kms: &Kms, vendor: &str, id: &str) -> (String, String) {
    let created = kmip::parse_create_key_pair(
        &kms.kmip(&kmip::create_key_pair(&CreateKeyPairRequest {
            kind: KeyPairKind::Ec {
                algorithm: CryptographicAlgorithm::Ecdh,
                curve: EcCurve::P256.into(),
            },
            attributes: attributes(vendor, id, UsageMask::SIGN),
            public_usage_mask: UsageMask::VERIFY,
        }))
        .unwrap(),
    )
    .unwrap();
    (created.private_key_id, created.public_key_id)
}

/// The point of a public key exported by this test's own KMIP client, as a JWK's x and y.
fn jwk_point(kms: &Kms, public_id: &str) -> (String, String) {
    use der::Decode;
    let der = kms.public_key_der(public_id);
    let spki = spki::SubjectPublicKeyInfoRef::from_der(&der).unwrap();
    let point = spki.subject_public_key.raw_bytes();
    assert_eq!(
        (point.len(), point[0]),
        (65, 4),
        "an uncompressed P-256 point"
    );
    (
        STANDARD.encode(&point[1..33]),
        STANDARD.encode(&point[33..]),
    )
}

/// An Azure copy of `key_id` written by another KMIP client: exported under `kek_kid`,
/// confirmed by Azure's `output` when given.
fn seed_copy(
    kms: &Kms,
    key_id: &str,
    key_type: AzureKeyType,
    kek_kid: &str,
    output: Option<&str>,
    n: u8,
) -> AzureCopy {
    let now = OffsetDateTime::now_utc();
    let by = UserId::new("seed-client@example.com").unwrap();
    let mut copy = AzureCopy::exported(
        new_entry_id(now, [n; 6]),
        key_type,
        AzureExport {
            kek_id: "kek-proof".into(),
            kek_kid: AzureKeyId::parse_versioned(kek_kid).unwrap(),
            kek_sha256: None,
            byok_sha256: sha256_hex(b"byok"),
            preserved: Default::default(),
        },
        now,
        &by,
    );
    if let Some(output) = output {
        copy.confirm(&read_key_output(output).unwrap(), now, &by)
            .unwrap();
    }
    kms.kmip(&kmip::add_vendor_attribute(
        key_id,
        &kms.vendor_id(),
        &copy.attribute_name(),
        &copy.to_attribute_value(),
    ))
    .unwrap();
    copy
}

#[tokio::test(flavor = "multi_thread")]
async fn ledger_azure_copy_proven_the_same_key_in_the_kms_and_its_expiry_moved() {
    let kms = Kms::with_ui();
    let vendor = kms.vendor_id();
    azure_kek(&kms, &vendor, "kek-proof", KEK_KID);
    let (key, public) = signing_pair(&kms, &vendor, "proof-ec");
    let (_, other_public) = signing_pair(&kms, &vendor, "proof-other");
    let now = OffsetDateTime::now_utc();
    let soon = (now + time::Duration::days(10)).date();
    let soon_text = format!("{soon}T00:00:00+00:00");
    let (x, y) = jwk_point(&kms, &public);
    let show = key_output("contosokv", &key, VERSION, &soon_text, (&x, &y));
    let copy = seed_copy(
        &kms,
        &key,
        AzureKeyType::EcHsm {
            curve: EcCurve::P256,
        },
        KEK_KID,
        Some(&show),
        1,
    );
    // An AES copy in a Managed HSM: its import is the proof.
    let aes = create_material(
        &kms,
        &vendor,
        "proof-aes",
        KeyMaterialSpec::Aes { bits: 256 },
    );
    let aes_copy = seed_copy(
        &kms,
        &aes,
        AzureKeyType::OctHsm { bits: 256 },
        "https://contosohsm.managedhsm.azure.net/keys/kek/0123456789abcdef0123456789abcdef",
        None,
        2,
    );

    let browser = Browser::start().await;
    LedgerPage::open(&browser, &kms.url()).await;
    LedgerPage::state_of(&browser, &aes_copy.id, |t| t == "exported").await;
    browser.click_button(&format!("Open {}", aes_copy.id)).await;
    browser
        .wait_for_text("[data-testid=azure-proof-aes]", |t| {
            t.starts_with("For an AES (oct-HSM) copy the import itself is the proof")
        })
        .await;
    LedgerPage::state_of(&browser, &copy.id, |t| t == "imported").await;
    browser.click_button(&format!("Open {}", copy.id)).await;
    browser
        .wait_for_text("#entry-title", |t| t == format!("Azure copy {}", copy.id))
        .await;

    // 1. JSON for another vault, key or version: refused before anything is sent.
    browser.record_requests().await;
    let before = azure_copies(&kms, &key);
    let field = browser.labelled(PROOF).await;
    let refusals = [
        (
            key_output("elsewhere", &key, VERSION, &soon_text, (&x, &y)),
            "This key is in https://elsewhere.vault.azure.net".to_owned(),
        ),
        (
            key_output("contosokv", "another-key", VERSION, &soon_text, (&x, &y)),
            format!("This output is for the key another-key, not {key}"),
        ),
        (
            key_output(
                "contosokv",
                &key,
                "00000000000000000000000000000002",
                &soon_text,
                (&x, &y),
            ),
            "another import under the same name made a new version".to_owned(),
        ),
    ];
    for (json, expected) in refusals {
        browser.paste(&field, &json).await;
        browser.click_button("Prove in the KMS").await;
        browser
            .wait_for_text("[data-testid=entry-details] .error-banner", |t| {
                t.contains(&expected)
            })
            .await;
    }
    // Nothing sent for the proof. The shipped bundle may read the ledger list
    // again meanwhile (the opened copy's code arriving inside the ledger's
    // loaded view: a Locate of every object and one message describing them,
    // noted in ARCHITECTURE.md); that read is not the proof's, and code
    // fetches (GET, no body) are not KMIP requests.
    let sent: Vec<String> = browser
        .recorded_requests()
        .await
        .into_iter()
        .filter(|body| !body.is_empty() && !is_ledger_list_read(body))
        .collect();
    assert_eq!(sent, Vec::<String>::new(), "nothing sent");
    assert!(!browser.sent_kmip("Import").await);
    assert_eq!(azure_copies(&kms, &key), before, "nothing written");
    browser
        .assert_accessible("Azure proof with another key's JSON refused")
        .await;

    // 2. The KMS's own public key shaped as az keyvault key show's JWK: the same key.
    browser.paste(&field, &show).await;
    browser.click_button("Prove in the KMS").await;
    browser
        .wait_for_text("[data-testid=azure-proof-result]", |t| {
            t.starts_with("Same key: the KMS checked Azure's public key")
                && t.contains("Recorded in the copy by admin.")
        })
        .await;
    browser
        .wait_for_text("[data-testid=details-state]", |t| t == "verified")
        .await;
    assert!(
        browser.sent_kmip("Import").await,
        "Azure's public key imported"
    );
    assert!(!browser.sent_kmip("Export").await, "no key exported");
    assert_eq!(
        proof_leftovers(&kms),
        Vec::<String>::new(),
        "proof object removed"
    );
    let kid = format!("https://contosokv.vault.azure.net/keys/{key}/{VERSION}");
    let (_, read) = azure_copies(&kms, &key).remove(0);
    let event = read.events.last().unwrap();
    assert_eq!(event.by.as_ref().map(UserId::as_str), Some("admin"));
    assert!(
        matches!(&event.kind, AzureEventKind::SameMaterial { kid: k } if k.to_string() == kid),
        "{event:?}"
    );
    assert!((OffsetDateTime::now_utc() - event.at).whole_minutes() < 5);

    // 3. Another key's public key under this copy's kid: not the same key, recorded.
    let (ox, oy) = jwk_point(&kms, &other_public);
    let other = key_output("contosokv", &key, VERSION, &soon_text, (&ox, &oy));
    browser.paste(&field, &other).await;
    browser.click_button("Prove in the KMS").await;
    let said = browser
        .wait_for_text("[data-testid=azure-proof-result]", |t| {
            t.starts_with("Not the same key:")
        })
        .await;
    assert!(said.contains("Azure holds another key pair"), "{said}");
    browser
        .wait_for_text("[data-testid=details-state]", |t| t == "mismatch")
        .await;
    assert_eq!(
        proof_leftovers(&kms),
        Vec::<String>::new(),
        "proof object removed"
    );
    let (_, read) = azure_copies(&kms, &key).remove(0);
    assert_eq!(read.events.len(), 3, "{:?}", read.events);
    assert!(
        matches!(&read.events[2].kind, AzureEventKind::DifferentMaterial { reason, .. } if reason.contains("another key pair")),
        "{:?}",
        read.events[2]
    );
    browser
        .assert_accessible("Azure copy proven different")
        .await;

    // 4. The expiry is 10 days away: a new date, checked, gives the exact set-attributes command.
    browser
        .wait_for_text("[data-testid=azure-renew-why]", |t| {
            t.starts_with("This copy expires in")
        })
        .await;
    browser
        .fill("#azure-new-expiry", &now.date().to_string())
        .await;
    browser
        .wait_for_text("[data-testid=entry-details] .error-banner", |t| {
            t.contains("is not in the future")
        })
        .await;
    let later = (now + time::Duration::days(400)).date();
    browser.fill("#azure-new-expiry", &later.to_string()).await;
    let command = browser
        .wait_for_text("#azure-set-expiry", |t| t.contains("--expires"))
        .await;
    let words = shell_words::split(&command.replace("\\\n", " ")).unwrap();
    assert_eq!(
        words,
        [
            "az",
            "keyvault",
            "key",
            "set-attributes",
            "--vault-name",
            "contosokv",
            "--name",
            key.as_str(),
            "--version",
            VERSION,
            "--expires",
            &format!("{later}T00:00:00Z"),
        ]
    );
    browser
        .click("button[aria-label='Copy the az keyvault key set-attributes command']")
        .await;
    assert_eq!(browser.clipboard().await, command);

    // 5. set-attributes' JSON records the new expiry through the confirm path.
    let renewed = key_output(
        "contosokv",
        &key,
        VERSION,
        &format!("{later}T00:00:00+00:00"),
        (&x, &y),
    );
    let paste = browser.labelled(PASTE).await;
    browser.paste(&paste, &renewed).await;
    browser.click_button("Check and record").await;
    browser
        .wait_for_text("[data-testid=ledger-applied]", |t| {
            t.contains("Recorded in the copy by admin.")
        })
        .await;
    let (_, read) = azure_copies(&kms, &key).remove(0);
    assert_eq!(read.expires(), Some(midnight_utc(later)));
    // More than 30 days left now: the renewal is no longer offered.
    for _ in 0..100 {
        if browser
            .visible_texts("[data-testid=azure-renew-why]")
            .await
            .is_empty()
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        browser
            .visible_texts("[data-testid=azure-renew-why]")
            .await
            .is_empty(),
        "no renewal offered once the expiry is a year away"
    );
    browser.close().await;
}

/// The ledger page's own list read: a Locate of every object, or one message
/// of GetAttributes only (describing what it listed).
fn is_ledger_list_read(body: &str) -> bool {
    const LOCATE_ALL: &str = r#"{"tag":"Locate","value":[{"tag":"Attributes","value":[]}]}"#;
    let Ok(json) = serde_json::from_str::<serde_json::Value>(body) else {
        return false;
    };
    let operations: Vec<&str> = json["value"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|item| item["tag"] == "BatchItem")
        .filter_map(|item| {
            item["value"]
                .as_array()?
                .iter()
                .find(|field| field["tag"] == "Operation")?
                .get("value")?
                .as_str()
        })
        .collect();
    body == LOCATE_ALL
        || (json["tag"] == "RequestMessage"
            && operations.len() > 1
            && operations.iter().all(|op| *op == "GetAttributes"))
}
