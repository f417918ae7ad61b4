//! Choosing the Google import job: the KMS objects tagged `google`, each with its job, method,
//! level and expiry; those whose tags give no usable job, or whose job expired, are disabled.

use leptos::prelude::*;
use time::OffsetDateTime;

use crate::actions::google::jobs::{GoogleJobListing, StoredGoogleJob, list_google_jobs};
use crate::components::clock::use_now;
use crate::components::deferred::{Deferred, split_view};
use crate::components::loaded::{Loaded, use_kms_read};

/// The option's words, and whether it can be chosen at `now`.
fn option_label(job: &StoredGoogleJob, now: OffsetDateTime) -> (String, bool) {
    let id = job.id();
    match job.tags.job_for_export(id) {
        Ok(stored) => {
            let level = stored
                .protection_level
                .as_ref()
                .map(|l| format!(" · {l}"))
                .unwrap_or_default();
            let usable = stored.check_usable_at(id, now).is_ok();
            (
                format!(
                    "{id} — {} · {}{level} · {}",
                    stored.name.job(),
                    stored.method.gcloud_name(),
                    stored.expiry_words(now)
                ),
                usable,
            )
        }
        Err(_) => (
            format!("{id} — tags give no usable import job (cannot be used)"),
            false,
        ),
    }
}

/// A select of the stored Google import jobs: its code, then the list, come after
/// the page's first field is usable.
#[component]
pub fn GoogleJobPicker(
    /// The chosen wrapping key's id.
    selected: RwSignal<String>,
    /// Bump to list the jobs again (e.g. one changed behind the page's back).
    #[prop(into)]
    refresh: Signal<u32>,
) -> impl IntoView {
    view! {
        <label for="google-job-id">"Google import job"</label>
        <Deferred
            load=google_job_choices_view(selected, refresh)
            fallback=|| view! { <p class="muted">"Loading Google import jobs…"</p> }
        />
    }
}

split_view! {
    fn google_job_choices_view(selected: RwSignal<String>, refresh: Signal<u32>) {
        // Its own boundary: a list read again must not send the Deferred's
        // Suspense back to its fallback.
        view! {
            <Transition fallback=|| view! { <p class="muted">"Loading Google import jobs…"</p> }>
                <GoogleJobChoices selected=selected refresh=refresh />
            </Transition>
        }
        .into_any()
    }
}

/// The select and its hint, once the list is read.
#[component]
fn GoogleJobChoices(
    /// The chosen wrapping key's id.
    selected: RwSignal<String>,
    /// Bump to list the jobs again (e.g. one changed behind the page's back).
    #[prop(into)]
    refresh: Signal<u32>,
) -> impl IntoView {
    let now = use_now(std::time::Duration::from_secs(30));
    let jobs = use_kms_read(move |client| {
        refresh.track();
        async move { list_google_jobs(&client).await }
    });
    let show = move |listing: GoogleJobListing| {
        let current = selected.get_untracked();
        let listed =
            listing.jobs.iter().any(|j| j.id() == current) || listing.gone.contains(&current);
        view! {
            <select
                id="google-job-id"
                aria-describedby="google-job-id-hint"
                prop:value=move || selected.get()
                on:change=move |ev| selected.set(event_target_value(&ev))
            >
                <option value="">"Choose a Google import job…"</option>
                {(!listed && !current.is_empty())
                    .then(|| {
                        view! {
                            <option value=current.clone()>
                                {format!("{current} (not in the list of Google import jobs)")}
                            </option>
                        }
                    })}
                {listing
                    .jobs
                    .iter()
                    .map(|job| {
                        let (label, usable) = option_label(job, now.get_untracked());
                        // An expired job stays choosable once chosen: the export says why it is refused.
                        let chosen = job.id() == current;
                        view! {
                            <option value=job.id().to_owned() disabled=!usable && !chosen>
                                {label}
                            </option>
                        }
                    })
                    .collect_view()}
                {listing
                    .gone
                    .iter()
                    .map(|id| {
                        view! {
                            <option value=id.clone() disabled=true>
                                {format!("{id} — no longer in the KMS")}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        }
    };
    view! {
        <Loaded read=jobs loading="Loading Google import jobs…" ok=show />
        <p id="google-job-id-hint" class="hint">
            "Import jobs' wrapping keys stored in this KMS (tagged \"google\", imported on the Google import page), with their method, protection level and the time left before the job expires."
        </p>
    }
}
