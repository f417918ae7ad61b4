//! Importing a Google import job's wrapping key (checked by `domain::google::import_job` before
//! anything is sent) in one Import tagged with the job; a stored copy of the same job is
//! offered instead, a taken id is never overwritten unasked.

use crate::browser::now_utc;
use crate::client::{KmsClient, RequestError};
use crate::domain::expiry_day::DayWindow;
use crate::domain::google::import_job::ImportJob;
use crate::domain::google::kek_tags::{SameGoogleJob, google_job_tags, same_google_job};
use crate::domain::kms_id::KmsId;

use super::super::import_kek::{ImportKekOutcome, import_tagged_kek};
use super::jobs::{StoredGoogleJob, list_google_jobs};

/// Everything the import needs, already validated.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportGoogleJobPlan {
    pub job: ImportJob,
    /// The id to import it under; `None`: the server picks a UUID.
    pub kms_id: Option<KmsId>,
    /// The user agreed to overwrite the object with this id.
    pub replace: bool,
}

/// A stored wrapping key that is, or may be, the job the plan would import.
#[derive(Clone, Debug, PartialEq)]
pub struct AlreadyStoredGoogle {
    pub id: String,
    pub same: SameGoogleJob,
}

/// What a click on Import did.
#[derive(Clone, Debug, PartialEq)]
pub enum ImportGoogleOnce {
    /// Nothing sent: this job's wrapping key is (or may be) in the KMS already.
    AlreadyStored(Vec<AlreadyStoredGoogle>),
    /// Sent (boxed: the attributes are large next to a list of ids).
    Done(Box<ImportKekOutcome>),
}

/// The stored jobs the plan would import again: the certain ones when there are any.
pub fn already_stored(jobs: &[StoredGoogleJob], job: &ImportJob) -> Vec<AlreadyStoredGoogle> {
    let mut found: Vec<AlreadyStoredGoogle> = jobs
        .iter()
        .filter_map(|stored| {
            same_google_job(&stored.tags, job).map(|same| AlreadyStoredGoogle {
                id: stored.id().to_owned(),
                same,
            })
        })
        .collect();
    if found.iter().any(|f| f.same == SameGoogleJob::Certainly) {
        found.retain(|f| f.same == SameGoogleJob::Certainly);
    }
    found.sort_by(|a, b| a.id.cmp(&b.id));
    found
}

/// Imports the job's wrapping key with its tags (no look at what is stored).
pub async fn import_google_job(
    client: &KmsClient,
    plan: &ImportGoogleJobPlan,
) -> Result<ImportKekOutcome, RequestError> {
    import_tagged_kek(
        client,
        &plan.job.wrapping_key,
        plan.kms_id.as_ref(),
        plan.replace,
        job_tags_with_day(&plan.job),
    )
    .await
}

/// The job's tags, with its expiry's day for the lists' Locates (`domain::expiry_day`).
fn job_tags_with_day(job: &ImportJob) -> Vec<String> {
    let mut tags = google_job_tags(job);
    if let Some(expire) = job.expire_time {
        tags.extend(DayWindow::GOOGLE.tags(expire, now_utc()));
    }
    tags
}

/// Lists the Google jobs first: when one already is this job, it is offered and nothing is sent.
pub async fn import_google_job_once(
    client: &KmsClient,
    plan: &ImportGoogleJobPlan,
) -> Result<ImportGoogleOnce, RequestError> {
    let found = already_stored(&list_google_jobs(client).await?.jobs, &plan.job);
    if !found.is_empty() {
        return Ok(ImportGoogleOnce::AlreadyStored(found));
    }
    Ok(ImportGoogleOnce::Done(Box::new(
        import_google_job(client, plan).await?,
    )))
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;
    use crate::kmip::ObjectAttributes;

    fn job() -> ImportJob {
        ImportJob::parse_describe(
            include_str!("../../../tests/fixtures/google/import-job-active.json"),
            datetime!(2026-11-29 09:00 UTC),
        )
        .unwrap()
    }

    fn stored(id: &str, tags: Vec<String>) -> StoredGoogleJob {
        StoredGoogleJob::of(ObjectAttributes {
            unique_identifier: id.to_owned(),
            tags,
            ..Default::default()
        })
    }

    #[test]
    fn ours_is_certain_a_bare_one_only_likely_and_a_certain_one_wins() {
        let job = job();
        let ours = stored("ours", google_job_tags(&job));
        let bare = stored(
            "bare",
            vec!["google".into(), format!("import_job:{}", job.name)],
        );
        let other = stored(
            "other",
            vec![
                "google".into(),
                format!("import_job:{}", job.name).replace("cosmian-job-1", "job-2"),
            ],
        );
        let found = |list: &[StoredGoogleJob]| {
            already_stored(list, &job)
                .into_iter()
                .map(|f| (f.id, f.same))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            found(&[bare.clone(), other.clone()]),
            [("bare".to_owned(), SameGoogleJob::Possibly)]
        );
        assert_eq!(
            found(&[bare, ours, other.clone()]),
            [("ours".to_owned(), SameGoogleJob::Certainly)]
        );
        assert_eq!(found(&[other]), []);
    }
}
