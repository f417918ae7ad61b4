// Put before wasm-split's link module by `cargo xtask build`: the wasm modules
// a view needs arrive as one precompressed pack (a page's index.html preloads
// its pack), or one file each when most of them are loaded already; every
// file is fetched with its SHA-384 integrity and inflated by DecompressionStream.
// MODULES: names; SIZES: their inflated bytes; PACKS: split → [file,
// integrity, module indices in the pack's order]; FILES: the list of each
// module's own file and integrity (fetched only when needed).
const MODULES = __MODULES__;
const SIZES = __SIZES__;
const PACKS = __PACKS__;
const FILES = __FILES__;
const files = new Map();
const started = new Set();
let fileList;
const failToLoad = (text) => {
  const message = document.createElement("p");
  message.className = "load-error";
  message.setAttribute("role", "alert");
  message.textContent = text;
  document.body.replaceChildren(message);
};
const fetched = (url, integrity) =>
  fetch(new URL(url, import.meta.url), { integrity })
    .catch(() => {
      throw new Error(`${url} did not arrive, or it does not match the integrity hash in this bundle (the file on the server was changed or damaged)`);
    })
    .then((response) => {
      if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
      return response;
    });
// A failure replaces the page with a message: the view cannot run without its code.
const orFail = (promise) => {
  promise.catch((error) => {
    failToLoad(`The AWS BYOK page could not load the code of this page: ${error.message || error}. Reload the page; if this goes on, reinstall the bundle (cargo xtask build).`);
  });
  return promise;
};
const inflated = (url, integrity) =>
  orFail(fetched(url, integrity).then((response) =>
    new Response(response.body.pipeThrough(new DecompressionStream("deflate-raw"))).arrayBuffer()));
// The modules of `split` not loaded yet: from its pack when they are most of
// it (a first load), else one file each.
function startPack(split) {
  if (started.has(split)) return;
  started.add(split);
  const [url, integrity, modules] = PACKS[split];
  const missing = modules.filter((m) => !files.has(MODULES[m]));
  const size = (list) => list.reduce((sum, m) => sum + SIZES[m], 0);
  if (2 * size(missing) >= size(modules)) {
    const bytes = inflated(url, integrity);
    let offset = 0;
    for (const m of modules) {
      const [start, length] = [offset, SIZES[m]];
      offset += length;
      if (missing.includes(m)) files.set(MODULES[m], bytes.then((all) => new Uint8Array(all, start, length)));
    }
  } else {
    fileList ??= orFail(fetched(...FILES).then((response) => response.json()));
    for (const m of missing) {
      files.set(MODULES[m], fileList.then((list) => inflated(...list[m])));
    }
  }
}
const wasmFile = (name) => files.get(name) ?? Promise.reject(new Error(`no pack holds ${name}`));
const moduleLoader = (name) => () => {
  const bytes = wasmFile(name);
  bytes.catch(() => {});
  return async (imports) => WebAssembly.instantiate(await bytes, imports);
};
const packFirst = (split, load) => wrapAsyncCb(() => {
  startPack(split);
  return load();
});
