// Put before wasm-split's link module by `cargo xtask build`: the wasm files a
// page needs arrive as one precompressed pack (its index.html preloads it),
// fetched with its SHA-384 integrity and inflated with DecompressionStream.
const PACKS = __PACKS__;
const files = new Map();
const started = new Set();
const failToLoad = (text) => {
  const message = document.createElement("p");
  message.className = "load-error";
  message.setAttribute("role", "alert");
  message.textContent = text;
  document.body.replaceChildren(message);
};
function startPack(split) {
  if (started.has(split)) return;
  started.add(split);
  const [url, integrity, entries] = PACKS[split];
  const bytes = fetch(new URL(url, import.meta.url), { integrity })
    .catch(() => {
      throw new Error(`${url} did not arrive, or it does not match the integrity hash in this bundle (the file on the server was changed or damaged)`);
    })
    .then((response) => {
      if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
      return new Response(response.body.pipeThrough(new DecompressionStream("deflate-raw"))).arrayBuffer();
    });
  bytes.catch((error) => {
    failToLoad(`The AWS BYOK page could not load the code of this page: ${error.message || error}. Reload the page; if this goes on, reinstall the bundle (cargo xtask build).`);
  });
  for (const [file, offset, length] of entries) {
    if (!files.has(file)) files.set(file, bytes.then((all) => new Uint8Array(all, offset, length)));
  }
}
const wasmFile = (file) => files.get(file) ?? Promise.reject(new Error(`no pack holds ${file}`));
const packFirst = (split, load) => wrapAsyncCb(() => {
  startPack(split);
  return load();
});
