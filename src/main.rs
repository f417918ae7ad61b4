//! Entry point of the WebAssembly bundle: mounts the app on `<body>`.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(byok_ui::app::App);
}
