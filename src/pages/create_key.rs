//! `/ui/sym/create`, `/ui/rsa/create`, `/ui/ec/create`: create key material
//! for an AWS key spec, with the attributes AWS import needs.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::actions::create_key::{
    CreateKeyPlan, CreatedKey, create_key_material, explain_create_error,
};
use crate::components::choice_options::choice_options;
use crate::components::create_right::{CreateRight, CreateRightNotice};
use crate::components::error_banner::ErrorBanner;
use crate::components::request_progress::RequestProgress;
use crate::components::submit::{Submit, SubmitButton};
use crate::components::text_field::TextField;
use crate::domain::aws::key_spec::{AwsKeySpec, KeyFamily, KeyUsage};
use crate::domain::kms_id::KmsId;
use crate::routes::Page;
use crate::settings::use_settings;

/// Splits "a, b" into tags, refusing the server's reserved `_` prefix.
pub fn parse_tags(text: &str) -> Result<Vec<String>, String> {
    let tags: Vec<String> = text
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect();
    match tags.iter().find(|t| t.starts_with('_')) {
        Some(t) => Err(format!(
            "The tag \"{t}\" starts with '_', which the KMS reserves for itself: rename it."
        )),
        None => Ok(tags),
    }
}

#[component]
pub fn CreateSymmetricPage() -> impl IntoView {
    view! { <CreateKeyPage page=Page::CreateSymmetric family=KeyFamily::Symmetric /> }
}

#[component]
pub fn CreateRsaPage() -> impl IntoView {
    view! { <CreateKeyPage page=Page::CreateRsa family=KeyFamily::Rsa /> }
}

#[component]
pub fn CreateEcPage() -> impl IntoView {
    view! { <CreateKeyPage page=Page::CreateEc family=KeyFamily::Ec /> }
}

#[component]
fn CreateKeyPage(page: Page, family: KeyFamily) -> impl IntoView {
    let settings = use_settings();
    let specs: Vec<AwsKeySpec> = AwsKeySpec::ALL
        .into_iter()
        .filter(|s| s.family() == family)
        .collect();
    let spec = RwSignal::new(specs[0]);
    let usage = RwSignal::new(specs[0].key_usages()[0]);
    let id = RwSignal::new(String::new());
    let tags = RwSignal::new(String::new());
    let sensitive = RwSignal::new(false);
    let create = Action::new_local(move |plan: &CreateKeyPlan| {
        let plan = plan.clone();
        let client = settings.client();
        async move {
            let client = client?;
            create_key_material(&client, &plan)
                .await
                .map_err(|e| explain_create_error(&e, plan.id.as_ref()))
        }
    });
    let submit = Submit::new(create);
    let create_right = CreateRight::ask("Creating key material");
    let pending = submit.pending();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let id_text = id.get().trim().to_owned();
        submit.submit(|| {
            create_right.check()?;
            parse_tags(&tags.get()).and_then(|tags| {
                Ok(CreateKeyPlan {
                    spec: spec.get(),
                    usage: usage.get(),
                    id: KmsId::parse_optional(&id_text, "Key id")?,
                    tags,
                    sensitive: sensitive.get(),
                })
            })
        });
    };
    let outcome = create.value();
    let request_error = Signal::derive(move || outcome.get().and_then(Result::err));
    view! {
        <section aria-labelledby="page-title">
            <h1 id="page-title">{page.label()}</h1>
            <p>"Create key material in this KMS for an AWS key with imported material."</p>
            <CreateRightNotice right=create_right />
            <form class="create-key" on:submit=on_submit novalidate>
                <label for="create-spec">"AWS key spec"</label>
                <select
                    id="create-spec"
                    on:change=move |ev| {
                        if let Some(s) = AwsKeySpec::parse(&event_target_value(&ev)) {
                            spec.set(s);
                            usage.set(s.key_usages()[0]);
                        }
                    }
                >
                    {choice_options(
                        specs,
                        |s| s.aws_name(),
                        |s| s.to_string(),
                        move || spec.get(),
                    )}
                </select>
                <label for="create-usage">"Key usage in AWS"</label>
                <select
                    id="create-usage"
                    on:change=move |ev| {
                        if let Some(u) = KeyUsage::parse(&event_target_value(&ev)) {
                            usage.set(u);
                        }
                    }
                >
                    {move || {
                        choice_options(
                            spec.get().key_usages().iter().copied(),
                            |u| u.aws_name().to_owned(),
                            |u| u.aws_name().to_owned(),
                            move || usage.get(),
                        )
                    }}
                </select>
                <TextField id="create-id" label="Key id (optional)" value=id />
                <TextField id="create-tags" label="Tags (optional, comma-separated)" value=tags />
                <div class="radio-row">
                    <input
                        id="create-sensitive"
                        type="checkbox"
                        aria-describedby="create-sensitive-hint"
                        prop:checked=sensitive
                        on:change=move |ev| sensitive.set(event_target_checked(&ev))
                    />
                    <label for="create-sensitive">"Sensitive"</label>
                    <p id="create-sensitive-hint" class="hint">
                        "A sensitive key can still be exported wrapped (as AWS import needs), never in clear."
                    </p>
                </div>
                <ErrorBanner message=submit.refusal />
                <ErrorBanner message=request_error />
                <SubmitButton pending=pending idle="Create key" busy="Creating…" />
                <RequestProgress pending=pending in_flight=submit.in_flight what="Creating the key" />
            </form>
            {move || outcome.get().and_then(Result::ok).map(|created| view! { <CreatedKeyResult created=created /> })}
        </section>
    }
}

/// The ids of a created key, with a link to export it.
#[component]
pub fn CreatedKeyResult(created: CreatedKey) -> impl IntoView {
    let export = Page::export_href(Some(&created.key_id), None);
    view! {
        <div class="result" role="status" data-testid="created-key">
            <h2>"Key created"</h2>
            <dl>
                <dt>"Key id (export this one)"</dt>
                <dd data-testid="created-key-id">{created.key_id.clone()}</dd>
                {created
                    .public_key_id
                    .clone()
                    .map(|public| {
                        view! {
                            <dt>"Public key id"</dt>
                            <dd data-testid="created-public-key-id">{public}</dd>
                        }
                    })}
            </dl>
            <A href=export>"Export this key's material"</A>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::parse_tags;

    #[test]
    fn tags_are_split_and_reserved_ones_refused() {
        assert_eq!(parse_tags(" a, b ,,c").unwrap(), vec!["a", "b", "c"]);
        assert!(parse_tags("").unwrap().is_empty());
        assert!(parse_tags("ok, _sk").unwrap_err().contains("\"_sk\""));
    }
}
