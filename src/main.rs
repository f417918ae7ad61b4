//! Entry point of the WebAssembly bundle: reads where it is served from its
//! page (`<meta name="byok-base">`), then mounts the app on `<body>`.

fn main() {
    console_error_panic_hook::set_once();
    if let Some(base) = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| {
            document
                .query_selector("meta[name=byok-base]")
                .ok()
                .flatten()
        })
        .and_then(|meta| meta.get_attribute("content"))
    {
        byok_ui::routes::set_base(&base);
    }
    leptos::mount::mount_to_body(byok_ui::app::App);
}
