// The smoke page: an import map that resolves "@em/*" (and vendored third-party packages) to the
// served files, and the entry module that runs the scenarios.

/** @param {{ imports: Record<string, string> }} importMap */
export function pageHtml(importMap) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>@em browser smoke test</title>
<link rel="icon" href="data:,">
<script type="importmap">${JSON.stringify(importMap)}</script>
<script>
// Every WebAssembly module the packages compile, and every refusal (e.g. a limit on synchronous
// compilation on the main thread, which the packages would survive silently by falling back to
// TypeScript loops).
globalThis.emWasmCompiles = { compiled: [], refused: [] };
const OriginalModule = WebAssembly.Module;
WebAssembly.Module = function Module(bytes) {
  try {
    const module = new OriginalModule(bytes);
    globalThis.emWasmCompiles.compiled.push(bytes.byteLength);
    return module;
  } catch (error) {
    globalThis.emWasmCompiles.refused.push(bytes.byteLength + ' bytes: ' + String(error));
    throw error;
  }
};
</script>
<script type="module" src="/entry.mjs"></script>
</head>
<body><p>@em browser smoke test: results are in globalThis.emSmokeResults.</p></body>
</html>
`;
}
