// Prints the breaking and dangerous changes between two SDL files, one per line, as graphql-js
// describes them ("Report.foo was removed."). Usage: node breaking-changes.mjs OLD NEW
// Exit status: 0 always (the caller decides); 2 when a file cannot be read or parsed.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
const require = createRequire(process.env.LINT_NODE_MODULES + "/");
const { buildSchema, findBreakingChanges, findDangerousChanges } = require("graphql");
try {
  const [oldFile, newFile] = process.argv.slice(2);
  const before = buildSchema(readFileSync(oldFile, "utf8"));
  const after = buildSchema(readFileSync(newFile, "utf8"));
  for (const c of findBreakingChanges(before, after)) console.log(`BREAKING ${c.description}`);
  for (const c of findDangerousChanges(before, after)) console.log(`DANGEROUS ${c.description}`);
} catch (e) {
  console.error(String(e));
  process.exit(2);
}
