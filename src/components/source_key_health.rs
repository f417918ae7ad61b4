//! The health of the KMS key behind a copy, said where the copy is listed or renewed:
//! no longer exportable or no longer Active, before anything is sent.

use leptos::prelude::*;

use crate::domain::source_key_health::SourceKeyProblem;

/// A ledger row's short flags, one line each (nothing when the key is healthy).
#[component]
pub fn SourceKeyFlags(problems: Vec<SourceKeyProblem>) -> impl IntoView {
    problems
        .into_iter()
        .map(|problem| {
            let class = if problem.blocks_export() {
                "error-text"
            } else {
                "hint"
            };
            view! {
                <br />
                <span class=class data-testid="entry-source-health">{problem.flag()}</span>
            }
        })
        .collect_view()
}

/// The whole sentences about `key_id`, above an opened copy or a renewal (nothing when
/// the key is healthy); an alert when an export would be refused.
#[component]
pub fn SourceKeyNotice(key_id: String, problems: Vec<SourceKeyProblem>) -> impl IntoView {
    if problems.is_empty() {
        return ().into_any();
    }
    let blocks = problems.iter().any(SourceKeyProblem::blocks_export);
    let (class, role) = if blocks {
        ("notice error-text", "alert")
    } else {
        ("notice", "status")
    };
    view! {
        <div class=class role=role data-testid="source-key-health">
            {problems
                .iter()
                .map(|p| view! { <p>{p.sentence(&key_id)}</p> })
                .collect_view()}
        </div>
    }
    .into_any()
}
