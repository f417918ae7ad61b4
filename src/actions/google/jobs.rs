//! The Google import jobs this KMS holds: every object tagged `google`, described in one
//! message, with what its tags say (the job's name, method, level, expiry, fingerprint).

use crate::client::{KmsClient, RequestError};
use crate::domain::google::kek_tags::{GOOGLE_TAG, GoogleJobTags, read_google_job_tags};
use crate::kmip::ObjectAttributes;

use super::super::objects::list_tagged;

/// A Google import job's wrapping key stored in the KMS.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredGoogleJob {
    pub attributes: ObjectAttributes,
    pub tags: GoogleJobTags,
}

impl StoredGoogleJob {
    pub fn of(attributes: ObjectAttributes) -> Self {
        Self {
            tags: read_google_job_tags(&attributes.tags),
            attributes,
        }
    }

    pub fn id(&self) -> &str {
        &self.attributes.unique_identifier
    }
}

/// The Google jobs listed, and the ids whose object was gone by the time they were described.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GoogleJobListing {
    pub jobs: Vec<StoredGoogleJob>,
    pub gone: Vec<String>,
}

/// Every object tagged `google`: one Locate, then one message describing them.
pub async fn list_google_jobs(client: &KmsClient) -> Result<GoogleJobListing, RequestError> {
    let tagged = list_tagged(client, GOOGLE_TAG).await?;
    Ok(GoogleJobListing {
        jobs: tagged
            .objects
            .into_iter()
            .map(StoredGoogleJob::of)
            .collect(),
        gone: tagged.gone,
    })
}
