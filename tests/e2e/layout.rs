//! Every page at 360 px and 1280 px, light and dark: no horizontal overflow,
//! colours that follow prefers-color-scheme, no accessibility violation
//! (axe checks contrast in each scheme). Screenshots land in target/.

use byok_ui::routes::Page;

use crate::support::{Browser, Kms};

#[tokio::test(flavor = "multi_thread")]
async fn pages_hold_at_360_and_1280_px_in_light_and_dark() {
    let kms = Kms::with_ui();
    for dark in [false, true] {
        for width in [360, 1280] {
            let scheme = if dark { "dark" } else { "light" };
            let browser = Browser::start_with(dark, (width, 900)).await;
            for page in Page::ALL {
                browser.goto(&kms.ui_url(&page.href())).await;
                browser.wait_for_text("h1", |t| t == page.label()).await;
                browser
                    .wait_for_text("[data-testid=server-version]", |t| t.contains("5.28.0"))
                    .await;
                let state = format!("{} at {width} px, {scheme}", page.href());
                let (inner, scroll, background) = {
                    let v = browser
                        .client
                        .execute(
                            "return [window.innerWidth, document.documentElement.scrollWidth,
                                     getComputedStyle(document.body).backgroundColor];",
                            vec![],
                        )
                        .await
                        .unwrap();
                    (
                        v[0].as_u64().unwrap(),
                        v[1].as_u64().unwrap(),
                        v[2].as_str().unwrap().to_owned(),
                    )
                };
                assert!(
                    scroll <= inner,
                    "{state}: the page is {scroll} px wide in a {inner} px window"
                );
                let expected = if dark {
                    "rgb(21, 25, 30)"
                } else {
                    "rgb(255, 255, 255)"
                };
                assert_eq!(
                    background, expected,
                    "{state}: background follows prefers-color-scheme"
                );
                browser.assert_accessible(&state).await;
                browser
                    .screenshot(&format!(
                        "layout-{width}-{scheme}{}",
                        page.href().replace('/', "-")
                    ))
                    .await;
            }
            browser.close().await;
        }
    }
}
