// The link module's loader, written by `cargo xtask build` after wasm-split's
// header (initSync, getSharedImports, wrapAsyncCb). A split point's modules
// arrive as one precompressed pack (a page's index.html preloads its pack),
// or one file each when most of them are loaded already; every file is
// fetched with its SHA-384 integrity and inflated by DecompressionStream.
// The manifest ([module names, their inflated sizes, split → [pack, integrity,
// module indices]]) and the list of the modules' own files are files too.
// Modules compile as they arrive, before the app needs them. This code runs
// inside the app's module, imported from a blob URL: files are named relative
// to the bundle's folder (`__BASE__`), not to the module's own URL.
const BUNDLE = new URL(__BASE__, window.location.href);
const MANIFEST = __MANIFEST__;
const FILES = __FILES__;
// Each page's folder (relative to the bundle) → its split point.
const PAGES = __PAGES__;
const files = new Map();
const instances = new Map();
const started = new Set();
let manifest;
let fileList;
const failToLoad = (text) => {
  const message = document.createElement("p");
  message.className = "load-error";
  message.setAttribute("role", "alert");
  message.textContent = text;
  document.body.replaceChildren(message);
};
// A failure replaces the page with a message: the view cannot run without its code.
const orFail = (promise) => {
  promise.catch((error) => {
    failToLoad(`The AWS BYOK page could not load the code of this page: ${error.message || error}. Reload the page; if this goes on, reinstall the bundle (cargo xtask build).`);
  });
  return promise;
};
const inflated = (url, integrity) =>
  orFail(fetch(new URL(url, BUNDLE), { integrity })
    .catch(() => {
      throw new Error(`${url} did not arrive, or it does not match the integrity hash in this bundle (the file on the server was changed or damaged)`);
    })
    .then((response) => {
      if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
      return new Response(response.body.pipeThrough(new DecompressionStream("deflate-raw"))).arrayBuffer();
    }));
const theManifest = () =>
  (manifest ??= inflated(...MANIFEST).then((bytes) => JSON.parse(new TextDecoder().decode(bytes))));
// The modules of `split` not loaded yet: from its pack when they are most of
// it (a first load, another page), else one file each.
function startPack([, sizes, packs], split) {
  const [url, integrity, members] = packs[split];
  const missing = members.filter((m) => !files.has(m));
  const size = (list) => list.reduce((sum, m) => sum + sizes[m], 0);
  if (2 * size(missing) >= size(members)) {
    const bytes = inflated(url, integrity);
    let offset = 0;
    for (const m of members) {
      const [start, length] = [offset, sizes[m]];
      offset += length;
      if (missing.includes(m)) files.set(m, bytes.then((all) => WebAssembly.compile(new Uint8Array(all, start, length))));
    }
  } else {
    fileList ??= orFail(fetch(new URL(FILES[0], BUNDLE), { integrity: FILES[1] }).then((r) => r.json()));
    for (const m of missing) files.set(m, fileList.then((list) => inflated(...list[m])).then((bytes) => WebAssembly.compile(bytes)));
  }
}
const start = (loaded, split) => {
  if (!started.has(split)) {
    started.add(split);
    startPack(loaded, split);
  }
};
// The page's own code starts now, while the app starts (the KMS serves the
// same index.html for every page, so it cannot preload the page's pack).
{
  const base = BUNDLE.pathname;
  const { pathname } = window.location;
  const page = pathname.startsWith(base) ? PAGES[pathname.slice(base.length).replace(/\/+$/, "")] : undefined;
  if (page) theManifest().then((loaded) => start(loaded, page), () => {});
}
const instantiate = (m) => {
  if (!instances.has(m)) {
    const instance = files.get(m).then((module) => WebAssembly.instantiate(module, getSharedImports()));
    instance.catch(() => instances.delete(m));
    instances.set(m, instance);
  }
  return instances.get(m);
};
// What the wasm calls to load a split point: its chunks, then its own
// module, then the wasm's callback. A load that fails leaves the view waiting
// (no panic in the wasm) and replaces the page with the message.
const loadSplit = (split) => async (callbackIndex, callbackData) => {
  try {
    const loaded = await theManifest();
    start(loaded, split);
    const own = loaded[0].indexOf(`split_${split}`);
    await Promise.all(loaded[2][split][2].filter((m) => m !== own).map(instantiate));
    if (own >= 0) await instantiate(own);
  } catch (error) {
    orFail(Promise.reject(error));
    return;
  }
  getSharedImports().__wasm_split.__indirect_function_table.get(callbackIndex)(callbackData, true);
};
