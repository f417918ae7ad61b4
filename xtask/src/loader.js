// Starts the app from the precompressed wasm and JS glue (written into
// dist/index.html by `cargo xtask build`; the build fills in the two URLs and
// their integrity).
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
    // Both files are precompressed (the KMS sends files as they are) and
    // checked against their integrity before use; the JS glue is imported
    // from a blob URL of the checked bytes (CSP: script-src blob:).
    const fetched = (url, integrity) =>
      fetch(url, { integrity })
        .catch(() => {
          throw new Error(`${url} did not arrive, or it does not match the integrity hash in this page (the file on the server was changed or damaged)`);
        })
        .then((response) => {
          if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
          return response.body.pipeThrough(new DecompressionStream("deflate-raw"));
        });
    const glue = fetched("__JS_URL__", "__JS_INTEGRITY__")
      .then((body) => new Response(body).blob())
      .then(async (inflated) => {
        const url = URL.createObjectURL(new Blob([inflated], { type: "text/javascript" }));
        try {
          return await import(url);
        } finally {
          URL.revokeObjectURL(url);
        }
      });
    const [body, { default: init }] = await Promise.all([fetched("__WASM_URL__", "__WASM_INTEGRITY__"), glue]);
    await init({ module_or_path: new Response(body, { headers: { "content-type": "application/wasm" } }) });
  } catch (error) {
    fail(`The AWS BYOK page could not start: ${error.message || error}. Reload the page; if this goes on, reinstall the bundle (cargo xtask build).`);
  }
}
