// `make spa-size`: what a browser downloads from frontend/dist/pkg, in the compressed
// copies the server sends (gzip, and brotli for browsers that accept it).
//
// Every page loads the main module (its wasm and js) and the split loader
// (__wasm_split.js), which hold sign-in, home and the Campaigns page: the first page.
// Opening a screen of another group (frontend/src/chunks.rs) fetches the group's
// module and the chunks it shares with other groups, which __wasm_split.js lists as
// each loader's dependencies. The walk opens every screen once, so it downloads every
// file once. The budgets are issue 17's; e2e/tests/split.test.mjs measures the same
// two figures in the browser.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const FIRST_PAGE_BUDGET = 200_000;
const WALK_BUDGET = 600_000;
const MAIN_FILES = ["tidings_frontend_bg.wasm", "tidings_frontend.js", "__wasm_split.js"];

const pkg = process.argv[2] ?? "frontend/dist/pkg";
const loader = readFileSync(join(pkg, "__wasm_split.js"), "utf8");

// Each loader: `const NAME = [wrapAsyncCb(]makeLoad(() => { … new URL("./FILE" … }, [DEPS])`.
const loaders = new Map();
const pattern = /const (\w+) = (?:wrapAsyncCb\()?makeLoad\(\(\) => \{[\s\S]*?new URL\("\.\/([^"]+)"[\s\S]*?\n\}\n, \[([^\]]*)\]/g;
for (const [, name, file, deps] of loader.matchAll(pattern)) {
  loaders.set(name, { file, deps: deps.split(",").map((d) => d.trim()).filter(Boolean) });
}
if (loaders.size === 0) throw new Error(`no loaders found in ${pkg}/__wasm_split.js: has its format changed?`);

/** The files loader `name` fetches, with those of everything it waits for. */
function filesOf(name, into = new Set()) {
  const entry = loaders.get(name);
  if (!entry) throw new Error(`__wasm_split.js names ${name} but does not define it`);
  if (into.has(entry.file)) return into;
  into.add(entry.file);
  for (const dep of entry.deps) filesOf(dep, into);
  return into;
}

const size = (file, suffix) => statSync(join(pkg, `${file}.${suffix}`)).size;
const total = (files, suffix) => [...files].reduce((sum, file) => sum + size(file, suffix), 0);

// The groups of screens: `__wasm_split_load_<group>_<hash>` (frontend/src/chunks.rs).
const groups = [...loaders.keys()]
  .filter((name) => name.startsWith("__wasm_split_load_"))
  .map((name) => ({ name, group: name.replace(/^__wasm_split_load_/, "").replace(/_\d+$/, "") }))
  .sort((a, b) => a.group.localeCompare(b.group));

const row = (label, files) =>
  console.log(
    `${label.padEnd(28)} ${String(files.size).padStart(6)} ${String(total(files, "gz")).padStart(12)} ${String(total(files, "br")).padStart(12)}`,
  );
console.log(`${"download".padEnd(28)} ${"files".padStart(6)} ${"bytes (gzip)".padStart(12)} ${"bytes (br)".padStart(12)}`);
const firstPage = new Set(MAIN_FILES);
row("first page (sign-in, Campaigns)", firstPage);
for (const { name, group } of groups) row(`  + ${group}`, filesOf(name));
const walk = new Set(readdirSync(pkg).filter((file) => /\.(wasm|js)$/.test(file)));
row("walk of every screen", walk);

const firstBytes = total(firstPage, "gz");
const walkBytes = total(walk, "gz");
const verdict = (bytes, budget) => `${bytes} of ${budget}${bytes > budget ? " (over)" : ""}`;
console.log(`\nissue 17's budgets (gzip): first page ${verdict(firstBytes, FIRST_PAGE_BUDGET)}, walk ${verdict(walkBytes, WALK_BUDGET)}`);
