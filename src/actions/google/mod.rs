//! Google Cloud KMS's use cases: list and import the import jobs' wrapping keys (tagged with
//! the job, its method, level and expiry), and export a KMS key wrapped for one of them.

pub mod export;
pub mod import_job;
pub mod jobs;
