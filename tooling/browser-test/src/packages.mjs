// The packages the smoke page loads, and the name each scenario receives them under.
export const PAGE_PACKAGES = [
  { key: 'core', specifier: '@em/core' },
  { key: 'gaussian', specifier: '@em/gaussian-mixture' },
  { key: 'multinomial', specifier: '@em/multinomial-mixture' },
  { key: 'hmm', specifier: '@em/hmm' },
];

/** The page's entry module: import every package, run the scenarios, publish the results. */
export function pageEntrySource() {
  const imports = PAGE_PACKAGES.map((entry, index) => `import * as package${index} from '${entry.specifier}';`).join('\n');
  const modules = PAGE_PACKAGES.map((entry, index) => `${entry.key}: package${index}`).join(', ');
  return `${imports}
import { encodeResults } from '/compare.mjs';
import { runScenarios } from '/scenarios.mjs';

globalThis.emSmokeResults = JSON.stringify(encodeResults(runScenarios({ ${modules} })));
`;
}
