// Starts the app from the precompressed wasm (written into dist/index.html by
// `cargo xtask build`; the build fills in the two URLs and the integrity).
const fail = (text) => {
  const message = document.createElement("p");
  message.className = "load-error";
  message.setAttribute("role", "alert");
  message.textContent = text;
  document.body.replaceChildren(message);
};
// Hardened modes and policies can remove WebAssembly (Edge's enhanced security,
// Chrome's JavaScript optimizer setting, Safari's Lockdown Mode, Firefox's
// javascript.options.wasm): say so instead of a blank page.
const webAssemblyOn = () =>
  typeof WebAssembly === "object" && WebAssembly !== null && typeof WebAssembly.compile === "function";
const supported = () => {
  try {
    return new DecompressionStream("deflate-raw") instanceof DecompressionStream;
  } catch {
    return false;
  }
};
if (!webAssemblyOn()) {
  fail("This browser cannot open the AWS BYOK page: WebAssembly is turned off, by a security setting or a policy (for example Edge's enhanced security mode, Chrome's JavaScript optimizer setting, Safari's Lockdown Mode or Firefox's javascript.options.wasm). Allow WebAssembly for this site, or ask your administrator to, then reload the page.");
} else if (!supported()) {
  fail("This browser cannot open the AWS BYOK page: it lacks DecompressionStream (deflate-raw). Use Chrome or Edge 103 or later, Firefox 113 or later, or Safari 16.4 or later.");
} else {
  try {
    // The wasm and the JS glue at once (both are preloaded by index.html).
    const [response, { default: init }] = await Promise.all([
      fetch("__WASM_URL__", { integrity: "__WASM_INTEGRITY__" }).catch(() => {
        throw new Error("__WASM_URL__ did not arrive, or it does not match the integrity hash in this page (the file on the server was changed or damaged)");
      }),
      import("__JS_URL__"),
    ]);
    if (!response.ok) {
      throw new Error(`__WASM_URL__ answered HTTP ${response.status}`);
    }
    const wasm = new Response(response.body.pipeThrough(new DecompressionStream("deflate-raw")), {
      headers: { "content-type": "application/wasm" },
    });
    await init({ module_or_path: wasm });
  } catch (error) {
    fail(`The AWS BYOK page could not start: ${error.message || error}. Reload the page; if this goes on, reinstall the bundle (cargo xtask build).`);
  }
}
