//! Cleaning up old wrapping keys (issue 29): the page lists every cloud's stored wrapping
//! keys with the expired ones selected, refuses one an unfinished runbook needs, removes
//! exactly the selected ones (checked by a second KMIP client), is operable from the keyboard,
//! and survives the KMS stopping half way (what is left is listed again, a key revoked but
//! not destroyed shown as such).

use std::time::{Duration, Instant};

use byok_ui::domain::account::UserId;
use byok_ui::domain::aws::arn::AwsKeyArn;
use byok_ui::domain::aws::import_parameters::ImportParameters;
use byok_ui::domain::aws::kek_tags::parameters_valid_to_tag;
use byok_ui::domain::aws::key_spec::AwsKeySpec;
use byok_ui::domain::aws::runbook::{RunbookKind, RunbookStart, start};
use byok_ui::domain::key_material::KeyMaterialSpec;
use byok_ui::domain::stored::rfc3339;
use byok_ui::kmip::{self, AttributeReference};
use byok_ui::routes::Page;
use time::OffsetDateTime;

use crate::support::pages::Settings;
use crate::support::proxy::{
    Fault, FaultProxy, browser_behind, counted, kms_behind_proxy, settled,
};
use crate::support::seed::{
    create_material, fixture_kek_private, import_tagged_public_key, seed_keks, seed_keks_and_keys,
};
use crate::support::{ALICE, BOB, Browser, ENTER, Kms, Oidc, SPACE, USERS, free_port};

const ARN: &str = "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const COUNT: &str = "[data-testid=cleanup-count]";
const SUMMARY: &str = "[data-testid=cleanup-summary]";

fn hours_from_now(hours: i64) -> OffsetDateTime {
    OffsetDateTime::now_utc() + time::Duration::hours(hours)
}

/// An AWS KEK as the import page stores it, its parameters valid until `valid_to` (`None`:
/// as the Cosmian CLI stores it, no expiry tag).
fn aws_kek(kms: &Kms, vendor: &str, id: &str, valid_to: Option<OffsetDateTime>) {
    let mut tags = vec![
        "aws".to_owned(),
        "wrapping_algorithm:RsaesOaepSha256".to_owned(),
        format!("key_arn:{ARN}"),
    ];
    tags.extend(valid_to.map(parameters_valid_to_tag));
    import_tagged_public_key(kms, vendor, id, &fixture_kek_private(), tags, false);
}

/// A Google import job's wrapping key as the Google import page stores it.
fn google_job(kms: &Kms, vendor: &str, id: &str, expire: OffsetDateTime) {
    let tags = vec![
        "google".to_owned(),
        "import_job:projects/p/locations/global/keyRings/ring/importJobs/old-job".to_owned(),
        "import_method:rsa-oaep-3072-sha256-aes-256".to_owned(),
        format!("expire_time:{}", rfc3339(expire)),
    ];
    import_tagged_public_key(kms, vendor, id, &fixture_kek_private(), tags, false);
}

/// A rotation runbook on a new AES key whose primary Region got the KEK `kek` and has not
/// imported yet (written with a direct KMIP AddAttribute, as another browser would).
fn unfinished_runbook_needing(kms: &Kms, vendor: &str, kek: &str) -> String {
    let key = create_material(
        kms,
        vendor,
        "aes-rotating",
        KeyMaterialSpec::Aes { bits: 256 },
    );
    let input = RunbookStart {
        kind: RunbookKind::Rotation,
        key_spec: AwsKeySpec::SymmetricDefault,
        source_key_id: key.clone(),
        source_entry_id: None,
        key_arn: AwsKeyArn::parse(ARN).unwrap(),
        replica_regions: String::new(),
        description: "generation 2".into(),
        valid_to: String::new(),
        alias: String::new(),
        rotations_before: 0,
        primary_key_material_id: None,
        listing: String::new(),
    };
    let mut runbook = start(
        &input,
        "20261207T120000000Z_0123456789ab".into(),
        OffsetDateTime::now_utc(),
    )
    .unwrap();
    let parameters = ImportParameters::parse(&format!(
        r#"{{"KeyId":"{ARN}","ImportToken":"AQID","PublicKey":"MIIB","ParametersValidTo":"{}"}}"#,
        rfc3339(hours_from_now(-30))
    ))
    .unwrap();
    runbook
        .parameters_imported(
            "us-west-2",
            kek,
            &parameters,
            &UserId::new("admin").unwrap(),
        )
        .unwrap();
    kms.kmip(&kmip::add_vendor_attribute(
        &key,
        vendor,
        &runbook.attribute_name(),
        &runbook.to_attribute_value(),
    ))
    .expect("the runbook is written");
    key
}

/// The KMS's own word on `id`, asked by a second KMIP client: its state, or `None` once gone.
fn state_of(kms: &Kms, id: &str) -> Option<String> {
    match kms.kmip(&kmip::get_attributes(id, &[AttributeReference::State])) {
        Ok(reply) => Some(
            kmip::parse_get_attributes(&reply)
                .unwrap()
                .state
                .map(|s| s.to_string())
                .unwrap_or_default(),
        ),
        Err((_, body)) if body.contains("Object_Not_Found") || body.contains("not found") => None,
        Err(e) => panic!("GetAttributes {id}: {e:?}"),
    }
}

/// Whether the row's checkbox of `id` is ticked, and whether it is enabled.
async fn checkbox(browser: &Browser, id: &str) -> (bool, bool) {
    let css = browser.labelled(id).await;
    let element = browser.element(&css).await;
    (
        element.is_selected().await.unwrap(),
        element.is_enabled().await.unwrap(),
    )
}

async fn note(browser: &Browser, id: &str) -> String {
    browser
        .visible_texts(&format!("tr[data-kek-id='{id}'] td[data-label=Note]"))
        .await
        .join(" ")
}

/// The list reads `count`, with `kek-half` shown revoked, not destroyed yet.
async fn lists_with_the_revoked_key(browser: &Browser, count: &str) {
    browser.wait_for_text(COUNT, |t| t == count).await;
    assert_eq!(
        note(browser, "kek-half").await,
        "revoked, not destroyed yet"
    );
}

/// The clean-up page through the proxy.
async fn open_behind(browser: &Browser, proxy: &FaultProxy) {
    let page = Page::WrappingKeyCleanup.href();
    browser.goto(&format!("{}{page}", proxy.url())).await;
}

/// Clicks the clean-up button, then the confirmation naming `count` keys.
async fn clean_up_selected(browser: &Browser, count: usize) {
    browser
        .click_button("Clean up the selected wrapping keys…")
        .await;
    let what = if count == 1 {
        "1 wrapping key".to_owned()
    } else {
        format!("{count} wrapping keys")
    };
    browser
        .click_button(&format!("Revoke and destroy {what}"))
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn expired_wrapping_keys_are_selected_and_exactly_those_are_destroyed() {
    let kms = Kms::with_ui();
    let vendor = kms.vendor_id();
    aws_kek(&kms, &vendor, "aws-expired-1", Some(hours_from_now(-30)));
    aws_kek(
        &kms,
        &vendor,
        "aws-expired-2",
        Some(hours_from_now(-24 * 40)),
    );
    aws_kek(&kms, &vendor, "aws-valid", Some(hours_from_now(20)));
    aws_kek(&kms, &vendor, "aws-cli", None);
    google_job(&kms, &vendor, "google-expired", hours_from_now(-24 * 4));
    aws_kek(&kms, &vendor, "aws-held", Some(hours_from_now(-30)));
    let rotating = unfinished_runbook_needing(&kms, &vendor, "aws-held");
    import_tagged_public_key(
        &kms,
        &vendor,
        "azure-kek",
        &fixture_kek_private(),
        vec!["azure".into()],
        false,
    );

    let browser = Browser::start().await;
    browser.goto(&kms.ui_url(&Page::Byok.href())).await;
    browser.open_from_nav(Page::WrappingKeyCleanup).await;
    let count = browser
        .wait_for_text(COUNT, |t| t.contains("selected"))
        .await;
    assert_eq!(count, "7 wrapping keys in this KMS, 4 expired; 3 selected.");
    for id in ["aws-expired-1", "aws-expired-2", "google-expired"] {
        assert_eq!(checkbox(&browser, id).await, (true, true), "{id}");
    }
    for id in ["aws-cli", "azure-kek"] {
        assert_eq!(checkbox(&browser, id).await, (false, true), "{id}");
    }
    for id in ["aws-valid", "aws-held"] {
        assert_eq!(checkbox(&browser, id).await, (false, false), "{id}");
    }
    let held = note(&browser, "aws-held").await;
    assert!(
        held.contains("unfinished runbook")
            && held.contains(&rotating)
            && held.contains("us-west-2"),
        "{held}"
    );
    assert!(note(&browser, "aws-valid").await.contains("still valid"));
    browser
        .assert_accessible("wrapping key clean-up listed")
        .await;

    // From the keyboard: untick the second expired key, add the CLI one, ask, confirm.
    browser
        .tab_to(&browser.labelled("aws-expired-2").await)
        .await;
    browser.press(SPACE).await;
    browser.tab_to(&browser.labelled("aws-cli").await).await;
    browser.press(SPACE).await;
    browser
        .wait_for_text(COUNT, |t| t.ends_with("3 selected."))
        .await;
    browser
        .tab_to("form.wrapping-key-cleanup button[type=submit]")
        .await;
    browser.press(ENTER).await;
    browser
        .wait_for_text("[role=alertdialog] h2", |t| {
            t == "Revoke and destroy 3 wrapping keys?"
        })
        .await;
    assert!(
        ["aws-expired-1", "google-expired", "aws-cli"]
            .iter()
            .all(|id| state_of(&kms, id).as_deref() == Some("Active")),
        "nothing is sent before the confirmation"
    );
    browser
        .assert_accessible("wrapping key clean-up confirmation")
        .await;
    // The confirm button has the focus.
    browser.press(ENTER).await;
    let summary = browser
        .wait_for_text(SUMMARY, |t| {
            t.contains("of 3 destroyed") && !t.starts_with("0 ")
        })
        .await;
    assert_eq!(summary, "3 of 3 destroyed (1 request).");

    let located = kms.object_ids();
    for id in ["aws-expired-1", "google-expired", "aws-cli"] {
        assert_eq!(state_of(&kms, id), None, "{id} is gone");
        assert!(!located.contains(&id.to_owned()), "{id} is not located");
    }
    for id in [
        "aws-expired-2",
        "aws-valid",
        "aws-held",
        "azure-kek",
        &rotating,
    ] {
        assert_eq!(
            state_of(&kms, id).as_deref(),
            Some("Active"),
            "{id} is kept"
        );
    }
    // The list read again shows what is left.
    browser
        .wait_for_text(COUNT, |t| t.starts_with("4 wrapping keys"))
        .await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_clean_up_stopped_half_way_by_the_kms_lists_the_rest_again() {
    let (mut kms, proxy, token) = kms_behind_proxy();
    let vendor = kms.vendor_id();
    // 150 expired KEKs (two messages: 100, then 50) and one a client revoked and never destroyed.
    seed_keks_and_keys(&kms, &vendor, 150, |_| Some(hours_from_now(-30)));
    aws_kek(&kms, &vendor, "kek-half", None);
    kms.kmip(&kmip::revoke("kek-half")).expect("revoke");
    assert_eq!(state_of(&kms, "kek-half").as_deref(), Some("Deactivated"));

    let browser = browser_behind(&proxy, &token).await;
    open_behind(&browser, &proxy).await;
    lists_with_the_revoked_key(
        &browser,
        "151 wrapping keys in this KMS, 150 expired; 151 selected.",
    )
    .await;
    assert_eq!(checkbox(&browser, "kek-half").await, (true, true));
    settled(&proxy).await;

    // The second message waits at the proxy; the KMS stops meanwhile.
    proxy.arm(
        "RequestMessage(Revoke × 50, Destroy × 51)",
        Fault::Delay(Duration::from_secs(10)),
    );
    clean_up_selected(&browser, 151).await;
    browser
        .wait_for_text_within(SUMMARY, 60, |t| t.starts_with("100 of 151 destroyed"))
        .await;
    kms.stop();
    let stopped = browser
        .wait_for_text("[data-testid=cleanup-stopped]", |t| !t.is_empty())
        .await;
    assert!(stopped.contains("did not answer"), "{stopped}");
    assert_eq!(
        browser.visible_texts(SUMMARY).await,
        vec!["100 of 151 destroyed, 51 untouched (2 requests).".to_owned()]
    );

    kms.resume();
    for n in 1..=150 {
        let id = format!("kek-{n:04}");
        let expected = (n > 100).then_some("Active");
        assert_eq!(state_of(&kms, &id).as_deref(), expected, "{id}");
    }
    assert_eq!(state_of(&kms, "kek-half").as_deref(), Some("Deactivated"));
    browser.click_button("Retry").await;
    lists_with_the_revoked_key(
        &browser,
        "51 wrapping keys in this KMS, 50 expired; 51 selected.",
    )
    .await;

    let started = Instant::now();
    proxy.take_forwarded();
    clean_up_selected(&browser, 51).await;
    browser
        .wait_for_text(SUMMARY, |t| t == "51 of 51 destroyed (1 request).")
        .await;
    println!(
        "the rest, 51 keys, cleaned up in {:?}: {}",
        started.elapsed(),
        counted(&settled(&proxy).await)
    );
    assert!((1..=150).all(|n| state_of(&kms, &format!("kek-{n:04}")).is_none()));
    assert_eq!(state_of(&kms, "kek-half"), None);
    browser.close().await;
}

/// More symmetric keys than one Locate lists: the runbooks on some cannot be read, so every
/// AWS wrapping key is kept (shown, not selectable, with why); a Google job is still cleanable.
#[tokio::test(flavor = "multi_thread")]
async fn aws_keys_are_kept_when_the_runbooks_cannot_all_be_read() {
    let kms = Kms::with_ui();
    let vendor = kms.vendor_id();
    seed_keks_and_keys(&kms, &vendor, 1000, |_| Some(hours_from_now(-30)));
    google_job(&kms, &vendor, "google-expired", hours_from_now(-24 * 4));
    let browser = Browser::start().await;
    browser
        .goto(&kms.ui_url(&Page::WrappingKeyCleanup.href()))
        .await;
    browser
        .wait_for_text_within(COUNT, 120, |t| {
            t == "1001 wrapping keys in this KMS, 1001 expired; 1 selected."
        })
        .await;
    assert_eq!(checkbox(&browser, "kek-0001").await, (false, false));
    assert!(note(&browser, "kek-0001").await.contains("cannot be read"));
    assert_eq!(checkbox(&browser, "google-expired").await, (true, true));
    browser.close().await;
}

/// 1000 expired KEKs: how many requests and how long the listing and the clean-up take,
/// through the proxy that counts them.
#[tokio::test(flavor = "multi_thread")]
async fn a_thousand_expired_wrapping_keys_are_cleaned_up_in_ten_messages() {
    let (kms, proxy, token) = kms_behind_proxy();
    let vendor = kms.vendor_id();
    seed_keks(&kms, &vendor, 1000, |_| Some(hours_from_now(-30)));
    let browser = browser_behind(&proxy, &token).await;
    let started = Instant::now();
    open_behind(&browser, &proxy).await;
    browser
        .wait_for_text_within(COUNT, 120, |t| t.ends_with("1000 selected."))
        .await;
    let listed = started.elapsed();
    let listing = counted(&settled(&proxy).await);

    let started = Instant::now();
    clean_up_selected(&browser, 1000).await;
    browser
        .wait_for_text_within(SUMMARY, 300, |t| {
            t == "1000 of 1000 destroyed (10 requests)."
        })
        .await;
    let cleaned = started.elapsed();
    let requests = settled(&proxy).await;
    let batches = requests
        .iter()
        .filter(|r| r.as_str() == "RequestMessage(Revoke × 100, Destroy × 100)")
        .count();
    assert_eq!(batches, 10, "{}", counted(&requests));
    println!(
        "1000 expired wrapping keys: listed in {listed:?} ({listing}); revoked and destroyed in {cleaned:?} ({batches} messages; then the list again: {})",
        counted(&requests)
    );
    let located = kms.object_ids();
    assert!((1..=1000).all(|n| !located.contains(&format!("kek-{n:04}"))));
    browser.close().await;
}

/// Bob (an Operator signed in with his bearer token) sees alice's wrapping keys shared with
/// him: the one shared without the right to destroy it is refused plainly (shown, not
/// selectable, naming alice); the one shared with Revoke and Destroy is removed.
#[tokio::test(flavor = "multi_thread")]
async fn a_key_shared_without_the_right_to_destroy_it_is_refused_plainly() {
    let oidc = Oidc::start(&USERS, free_port());
    let mut kms = Kms::with_oidc(&oidc, &[ALICE]);
    kms.token = Some(oidc.token_for(ALICE));
    let alice = kms.token.clone();
    let vendor = kms.vendor_id();
    aws_kek(&kms, &vendor, "alice-kek-read", Some(hours_from_now(-30)));
    aws_kek(&kms, &vendor, "alice-kek-given", Some(hours_from_now(-30)));
    kms.grant(
        alice.as_deref(),
        BOB,
        "alice-kek-read",
        &["get", "getattributes"],
    )
    .expect("alice shares a wrapping key to read");
    kms.grant(
        alice.as_deref(),
        BOB,
        "alice-kek-given",
        &["getattributes", "revoke", "destroy"],
    )
    .expect("alice lets bob remove a wrapping key");

    let browser = Browser::start().await;
    let bob = oidc.token_for(BOB);
    browser.keep_secret(&bob);
    let page = kms.ui_url(&Page::WrappingKeyCleanup.href());
    browser.goto(&page).await;
    Settings::use_server(&browser, "", &bob).await;
    browser.goto(&page).await;
    browser
        .wait_for_text(COUNT, |t| {
            t == "2 wrapping keys in this KMS, 2 expired; 1 selected."
        })
        .await;
    assert_eq!(checkbox(&browser, "alice-kek-read").await, (false, false));
    assert_eq!(
        note(&browser, "alice-kek-read").await,
        format!(
            "Kept: it is shared with you by {ALICE} without the right to revoke and destroy it; ask {ALICE} to remove it."
        )
    );
    assert_eq!(checkbox(&browser, "alice-kek-given").await, (true, true));
    clean_up_selected(&browser, 1).await;
    let summary = browser
        .wait_for_text(SUMMARY, |t| !t.starts_with("0 of"))
        .await;
    assert_eq!(summary, "1 of 1 destroyed (1 request).");
    assert_eq!(state_of(&kms, "alice-kek-read").as_deref(), Some("Active"));
    assert_eq!(state_of(&kms, "alice-kek-given"), None);
    browser.close().await;
}
