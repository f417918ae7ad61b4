//! The page's own clock for benchmarks: a MutationObserver inside the page notes
//! when a condition first holds, so nothing polls the page while it works.
//!
//! Polling the condition through WebDriver as fast as it answers took a core of
//! a 2-core machine away from the page and the KMS (and ran script on the
//! page's main thread between its tasks); the figures carried that cost.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::Browser;

/// The script that watches each named condition (a JavaScript expression) in
/// the current document and notes `performance.now()` in `window.__byokAt[name]`
/// the first time it holds (checked at once, then after every DOM change).
fn watcher(conditions: &[(&str, &str)]) -> String {
    let checks: String = conditions
        .iter()
        .map(|(name, condition)| {
            format!(
                "if (!({name:?} in at) && ({condition})) {{ at[{name:?}] = performance.now(); }}\n"
            )
        })
        .collect();
    format!(
        "(() => {{
           const at = window.__byokAt = {{}};
           window.__byokWatching = {conditions:?};
           const check = () => {{
             {checks}
             if (Object.keys(at).length === {count}) observer.disconnect();
           }};
           const observer = new MutationObserver(check);
           observer.observe(document, {{ childList: true, subtree: true, characterData: true, attributes: true }});
           check();
         }})();",
        count = conditions.len()
    )
}

/// Watches each `(name, condition)` in every document opened from now on (from
/// its very start, before the app runs) until [`stop_watching`] with the returned id.
pub async fn watch_new_documents(browser: &Browser, conditions: &[(&str, &str)]) -> String {
    let added = browser
        .cdp(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": watcher(conditions) }),
        )
        .await;
    added["identifier"]
        .as_str()
        .expect("Page.addScriptToEvaluateOnNewDocument's identifier")
        .to_owned()
}

/// Stops watching new documents (`id` from [`watch_new_documents`]).
pub async fn stop_watching(browser: &Browser, id: &str) {
    browser
        .cdp(
            "Page.removeScriptToEvaluateOnNewDocument",
            json!({ "identifier": id }),
        )
        .await;
}

/// The page's clock (ms since navigation start) when the condition watched as
/// `name` first held; looked at every 20 ms (the time is the page's, not the look's).
pub async fn watched_ms(browser: &Browser, name: &str) -> f64 {
    recorded_ms(browser, &format!("(window.__byokAt || {{}})[{name:?}]")).await
}

/// A number the page notes itself (`expression`, e.g. `window.__usable`),
/// once it is there; looked at every 20 ms.
pub async fn recorded_ms(browser: &Browser, expression: &str) -> f64 {
    let script = format!("const v = {expression}; return typeof v === 'number' ? v : null;");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let value = browser.client.execute(&script, vec![]).await.unwrap();
        if let Some(ms) = value.as_f64() {
            return ms;
        }
        if Instant::now() > deadline {
            let state = browser
                .client
                .execute("return [location.href, window.__byokWatching];", vec![])
                .await;
            panic!("never noted: {expression} ({state:?})");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
