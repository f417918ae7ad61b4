//! The Azure KEKs this KMS holds: every object tagged `azure`, described in one message, with
//! what its tags say (its kid, its fingerprint).

use crate::client::{KmsClient, RequestError};
use crate::domain::azure::kek_tags::{AZURE_TAG, AzureKekTags, read_azure_kek_tags};
use crate::kmip::ObjectAttributes;

use super::super::objects::list_tagged;

/// An Azure KEK stored in the KMS.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredAzureKek {
    pub attributes: ObjectAttributes,
    pub tags: AzureKekTags,
}

impl StoredAzureKek {
    pub fn of(attributes: ObjectAttributes) -> Self {
        Self {
            tags: read_azure_kek_tags(&attributes.tags),
            attributes,
        }
    }

    pub fn id(&self) -> &str {
        &self.attributes.unique_identifier
    }
}

/// The Azure KEKs listed, and the ids whose object was gone by the time they were described.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AzureKekListing {
    pub keks: Vec<StoredAzureKek>,
    pub gone: Vec<String>,
}

/// Every object tagged `azure`: one Locate, then one message describing them.
pub async fn list_azure_keks(client: &KmsClient) -> Result<AzureKekListing, RequestError> {
    let tagged = list_tagged(client, AZURE_TAG).await?;
    Ok(AzureKekListing {
        keks: tagged.objects.into_iter().map(StoredAzureKek::of).collect(),
        gone: tagged.gone,
    })
}
