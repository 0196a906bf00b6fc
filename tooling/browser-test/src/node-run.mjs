// The Node half of the comparison: loads the same packages through Node's own resolution (the
// "default" export condition, i.e. the built dist/ files) and prints the scenario results as JSON.
import { PAGE_PACKAGES } from './packages.mjs';
import { runScenarios } from './scenarios.mjs';
import { encodeResults } from './compare.mjs';

const modules = {};
for (const entry of PAGE_PACKAGES) modules[entry.key] = await import(entry.specifier);
process.stdout.write(JSON.stringify(encodeResults(runScenarios(modules))));
