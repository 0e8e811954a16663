#!/usr/bin/env node
// Lint Cypher with Neo4j's own parser and semantic analysis (lintCypherQuery).
//
//   node lint.mjs FILE...            lint files (.cypher scripts may hold many statements)
//   node lint.mjs --json < in.json   lint [{"name": ..., "text": ...}, ...] from stdin
//
// Prints one line per error ("NAME:LINE:COLUMN: message") and exits 1 when there is any, 0 when
// all parse. Parameters ($rows) need no declaration; functions are checked against Neo4j's
// built-in ones (no APOC), so a function only the embedded database knows is an error.
import { readFileSync } from 'node:fs';
import { lintCypherQuery, isNotParamError, testData } from '@neo4j-cypher/language-support';

function builtins() {
  const out = {};
  for (const [version, registry] of Object.entries(testData.mockSchema.functions ?? {})) {
    out[version] = Object.fromEntries(
      Object.entries(registry).filter(([name]) => !name.includes('.') || name.startsWith('vector.')
        || name.startsWith('point.') || name.startsWith('date.') || name.startsWith('datetime.')
        || name.startsWith('localdatetime.') || name.startsWith('localtime.') || name.startsWith('time.')
        || name.startsWith('duration.')));
  }
  return out;
}

const schema = { functions: builtins(), procedures: {} };

function lint(name, text) {
  const { diagnostics } = lintCypherQuery(text, schema);
  return diagnostics
    .filter((d) => d.severity === 1 && isNotParamError(d))
    .map((d) => `${name}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.message}`);
}

let items;
if (process.argv[2] === '--json') {
  items = JSON.parse(readFileSync(0, 'utf8'));
} else {
  items = process.argv.slice(2).map((file) => ({ name: file, text: readFileSync(file, 'utf8') }));
}
let errors = 0;
for (const { name, text } of items) {
  for (const line of lint(name, text)) {
    console.log(line);
    errors += 1;
  }
}
console.log(`${items.length} checked, ${errors} error${errors === 1 ? '' : 's'}`);
process.exit(errors ? 1 : 0);
