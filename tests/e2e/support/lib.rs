//! What the end-to-end suite and the UI timing bench share, layered like the app:
//! processes and places, the real KMS, the browser, seeded data, the pages.
//!
//! `kms` and `browser` are the two harnesses; `seed` and `aws` put data in place
//! through KMIP or play AWS, `aws_flow` drives the guided page
//! with AWS's outputs and proves the imported key works; `pages` holds each page's label and role locators;
//! `proxy` stands between the page and the KMS; `unwrap` is the independent oracle;
//! `page_clock` notes timings inside the page for the benches;
//! `oidc` is a real OpenID Provider to sign in to the KMS with; `google` plays Google Cloud's
//! import jobs and holds its pages' locators.

pub mod aws;
pub mod aws_flow;
pub mod browser;
pub mod ckms;
pub mod cloud_sdk;
pub mod google;
pub mod kms;
pub mod oidc;
pub mod page_clock;
pub mod pages;
pub mod paths;
pub mod processes;
pub mod proxy;
pub mod script;
pub mod seed;
pub mod static_site;
pub mod unwrap;

pub use browser::{ARROW_DOWN, Browser, ENTER, SPACE, TAB};
pub use kms::{KMS_VERSION, Kms, KmsOidc, KmsOptions, KmsUiClient, same_dir};
pub use oidc::{ALICE, BOB, CAROL, Oidc, OidcOptions, USERS, password_of};
pub use paths::{
    SUBFOLDER_BASE, copy_dir, dist_dir, fixture, free_port, scratch_dir, stock_ui_with_byok_beside,
    subfolder_dist_dir,
};
