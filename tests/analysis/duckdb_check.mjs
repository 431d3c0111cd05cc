// Loads scan rows into DuckDB with the statements of `mailposture schema
// --duckdb --sql` (docs/analysis.md) and checks that every column has the
// schema's type (none left as JSON), that each NDJSON row comes back whole
// (every member of the row is in the schema, every value converts), that
// the CSV header is the schema's columns, and that Parquet keeps the types.
// With --categories (enum columns as ENUM types) the same rows load, every
// column has that schema's type, and the values are those of the VARCHAR
// load.
//
// usage: node duckdb_check.mjs MAILPOSTURE ROWS.ndjson ROWS.csv SCRATCHDIR
// Exit status 0: checked; 1: a check failed; 77: @duckdb/node-api is not
// installed (tests/analysis/install.sh, which scripts/setup.sh runs).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let duckdb;
try {
  duckdb = await import('@duckdb/node-api');
} catch (e) {
  console.log('duckdb_check: SKIP: @duckdb/node-api is not installed ' +
              '(tests/analysis/install.sh installs it): ' + e.message);
  process.exit(77);
}

const [binary, ndPath, csvPath, scratch] = process.argv.slice(2);
let failures = 0;
function fail(msg) {
  failures++;
  console.log('duckdb_check: FAIL: ' + msg);
}

function schema(...args) {
  return execFileSync(binary, ['schema', '--duckdb', ...args],
                      { encoding: 'utf8' }).trim();
}

// columns={'name': 'TYPE', ...}: a type is a SQL string literal (an ENUM's
// values quoted inside, '' for each quote).
function columns(fmt, ...more) {
  const spec = schema('-f', fmt, ...more);
  return [...spec.matchAll(/'([^']*)': '((?:[^']|'')*)'/g)]
    .map(m => [m[1], m[2].replaceAll("''", "'")]);
}

const db = await duckdb.DuckDBInstance.create(':memory:');
const con = await db.connect();
async function rows(sql) {
  return (await con.runAndReadAll(sql)).getRowObjectsJson();
}

// The type DuckDB reports for each column of relation rel.
async function describe(rel) {
  return new Map((await rows('DESCRIBE ' + rel))
    .map(r => [r.column_name, r.column_type]));
}

// The schema's types as DuckDB spells them, checked against rel's.
async function checkTypes(name, fmt, rel, ...more) {
  const got = await describe(rel);
  const want = columns(fmt, ...more);
  if (got.size !== want.length) {
    fail(`${name}: ${got.size} columns, the schema has ${want.length}`);
  }
  for (const [col, type] of want) {
    const [{ t }] = await rows(`SELECT typeof(CAST(NULL AS ${type})) AS t`);
    if (got.get(col) !== t) {
      fail(`${name}: ${col} is ${got.get(col)}, the schema says ${t}`);
    }
    if (/JSON/.test(got.get(col) ?? '')) {
      fail(`${name}: ${col} is ${got.get(col)}`);
    }
  }
  return want;
}

// Equal JSON values; a time may come back as "YYYY-MM-DD hh:mm:ss.sss".
function same(a, b, path) {
  if (typeof a === 'string' && typeof b === 'string' && a !== b &&
      /^\d{4}-\d\d-\d\dT/.test(a) &&
      Date.parse(a) === Date.parse(b.replace(' ', 'T') + 'Z')) {
    return true;
  }
  if (a === null || b === null || typeof a !== 'object' ||
      typeof b !== 'object') {
    if (a !== b) {
      fail(`ndjson: ${path}: ${JSON.stringify(a)} in the row, ` +
           `${JSON.stringify(b)} loaded`);
    }
    return a === b;
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  let ok = true;
  for (const k of keys) {
    ok = same(a[k] ?? null, b[k] ?? null, `${path}.${k}`) && ok;
    if (!(k in a) || !(k in b)) {
      fail(`ndjson: ${path}.${k} is ${k in a ? 'not in the schema' :
                                               'not in the row'}`);
      ok = false;
    }
  }
  return ok;
}

async function ndjson() {
  // What the schema is for: guessed from this scan alone, some types are
  // JSON (said, not checked: it depends on the scan).
  const auto = `SELECT * FROM read_json_auto('${ndPath}')`;
  const guessed = [...await describe(auto)]
    .filter(([, t]) => /JSON/.test(t)).map(([c]) => c);
  console.log(`duckdb_check: ${ndPath}: read_json_auto alone gives JSON ` +
              `in ${guessed.length} columns (${guessed.join(' ')})`);
  await con.run(schema('-f', 'ndjson', '--path', ndPath)
                  .replace('CREATE VIEW rows', 'CREATE VIEW nd'));
  await checkTypes('ndjson', 'ndjson', 'nd');
  const loaded = await rows(
    'SELECT line, to_json(nd)::VARCHAR AS j FROM nd ORDER BY line');
  const given = readFileSync(ndPath, 'utf8').split('\n').filter(l => l)
    .map(l => JSON.parse(l)).sort((x, y) => x.line - y.line);
  if (loaded.length !== given.length || given.length === 0) {
    fail(`ndjson: ${loaded.length} rows loaded, ${given.length} in the file`);
  }
  let bad = 0;
  for (let i = 0; i < Math.min(loaded.length, given.length) && bad < 5; i++) {
    bad += same(given[i], JSON.parse(loaded[i].j), `line ${given[i].line}`)
      ? 0 : 1;
  }
  // The documented Parquet conversion keeps the types.
  const pq = `${scratch}/rows.parquet`;
  await con.run(`COPY (SELECT * FROM nd) TO '${pq}' (FORMAT parquet)`);
  const a = await describe('nd');
  const b = await describe(`SELECT * FROM '${pq}'`);
  for (const [col, t] of a) {
    if (b.get(col) !== t) {
      fail(`parquet: ${col} is ${b.get(col)}, ${t} before`);
    }
  }
  return loaded.length;
}

async function csv() {
  await con.run(schema('-f', 'csv', '--path', csvPath)
                  .replace('CREATE VIEW rows', 'CREATE VIEW cs'));
  const want = await checkTypes('csv', 'csv', 'cs');
  const header = readFileSync(csvPath, 'utf8').split('\r\n', 1)[0];
  if (header !== want.map(c => c[0]).join(',')) {
    fail(`csv: the header is not the schema's columns: ${header}`);
  }
  // Every cell converted (a bad one fails the query), and the rows are the
  // NDJSON scan's (the same input and world).
  const all = await rows('SELECT * FROM cs');
  const [{ n }] = await rows(
    'SELECT count(*)::INTEGER AS n FROM cs JOIN nd USING (line) ' +
    'WHERE cs.domain IS NOT DISTINCT FROM nd.domain ' +
    'AND cs.status = nd.status');
  if (n !== all.length) {
    fail(`csv: ${n} of ${all.length} rows agree with the NDJSON rows`);
  }
  return all.length;
}

// --categories: the view with ENUM types loads the same rows and values
// (compared as JSON text) as the one without, rel of format fmt at path.
async function enums(fmt, path, rel) {
  const view = `${rel}_enum`;
  await con.run(schema('-f', fmt, '--categories', '--path', path)
                  .replace('CREATE VIEW rows', `CREATE VIEW ${view}`));
  const want = await checkTypes(`${fmt} --categories`, fmt, view,
                                '--categories');
  const enumCols = want.filter(([, t]) => /ENUM\(/.test(t)).length;
  if (enumCols < 10) {
    fail(`${fmt} --categories: only ${enumCols} columns with an ENUM`);
  }
  const [{ n, same }] = await rows(
    `SELECT count(*)::INTEGER AS n, count(*) FILTER (WHERE ` +
    `to_json(${rel})::VARCHAR = to_json(${view})::VARCHAR)::INTEGER AS same ` +
    `FROM ${rel} JOIN ${view} USING (line)`);
  const [{ all }] = await rows(`SELECT count(*)::INTEGER AS "all" FROM ${rel}`);
  if (n !== all || same !== all || all === 0) {
    fail(`${fmt} --categories: ${same} of ${all} rows load the same ` +
         `(${n} joined)`);
  }
  return enumCols;
}

try {
  const nd = await ndjson();
  const cs = await csv();
  const nde = await enums('ndjson', ndPath, 'nd');
  const cse = await enums('csv', csvPath, 'cs');
  console.log(`duckdb_check: ${ndPath}: ${nd} NDJSON rows, ${cs} CSV rows, ` +
              `ENUM columns ${nde} (NDJSON, top level) and ${cse} (CSV), ` +
              `${failures} failures`);
} catch (e) {
  fail(e.message);
}
process.exit(failures ? 1 : 0);
