// `pnpm bench` (this package's part): each model class alone, bundled for the browser from the built
// dist/ (what a user's bundler sees), minified and gzipped; then the inputs that weigh most, by
// package and by source file (the same bundle built from src/ through the "@em/source" condition).
import { byPackage, ENTRIES, measureBundle } from './measure.mjs';

const kb = (bytes) => (bytes / 1000).toFixed(1);
const TOP = Number(process.env.EM_BUNDLE_TOP ?? 12);

console.log('Browser bundles (esbuild --bundle --minify --format=esm --platform=browser; gzip -9), KB = 1000 bytes');
console.log('class                 dist min  dist gzip | src min  src gzip');
const rows = [];
for (const entry of ENTRIES) {
  const dist = await measureBundle(entry);
  // The source view is secondary (names the files): if src/ does not bundle at the moment (work in
  // progress in a workspace package), say so and keep the dist/ figures.
  const source = await measureBundle({ ...entry, from: 'source' }).catch((error) => ({ error }));
  rows.push({ entry, dist, source });
  const sourceColumns = source.error ? '  src/ did not bundle (see below)' : `${kb(source.minified).padStart(7)} ${kb(source.gzip).padStart(9)}`;
  console.log(`${entry.name.padEnd(20)} ${kb(dist.minified).padStart(9)} ${kb(dist.gzip).padStart(10)} | ${sourceColumns}`);
}
for (const { entry, dist, source } of rows) {
  console.log(`\n${entry.name} — minified KB by package (dist):`);
  for (const { pkg, bytes } of byPackage(dist.inputs)) console.log(`  ${kb(bytes).padStart(7)}  ${pkg}`);
  if (source.error) {
    console.log(`${entry.name} — src/ did not bundle: ${String(source.error.message).split('\n').slice(0, 2).join(' ')}`);
    continue;
  }
  console.log(`${entry.name} — top ${TOP} source files, minified KB (built from src/):`);
  for (const { path, bytes } of source.inputs.slice(0, TOP)) console.log(`  ${kb(bytes).padStart(7)}  ${path}`);
}
