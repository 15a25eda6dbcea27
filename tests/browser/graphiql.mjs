// GraphiQL works offline: in headless Chromium with every host but 127.0.0.1 unresolvable, the
// page at BASE/graphql renders its editor, loads nothing from elsewhere, and the example query
// run from the page returns the reference report.
//
//   node tests/browser/graphiql.mjs http://127.0.0.1:PORT [CHROMIUM]
import { chromium } from 'playwright-core';

const base = process.argv[2];
const executablePath = process.argv[3] || '/usr/bin/chromium';
if (!base) {
  console.error('usage: node graphiql.mjs BASE_URL [CHROMIUM]');
  process.exit(2);
}

const fail = (message) => {
  console.error(`graphiql: ${message}`);
  process.exitCode = 1;
};

const browser = await chromium.launch({
  executablePath,
  headless: true,
  // The network is cut: nothing but the loopback address resolves.
  args: ['--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1', '--no-sandbox'],
});
try {
  const page = await browser.newPage();
  const elsewhere = [];
  const errors = [];
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (!['127.0.0.1', ''].includes(url.hostname) && url.protocol !== 'data:') {
      elsewhere.push(r.url());
    }
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(`${base}/graphql`, { waitUntil: 'load', timeout: 30000 });
  // The editor renders (CodeMirror holds the example query).
  await page.waitForSelector('.graphiql-container .graphiql-query-editor .CodeMirror', { timeout: 30000 });
  const query = await page.evaluate(() =>
    document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.getValue(),
  );
  if (!query.includes('reports(first: 10)')) fail(`the example query is missing: ${query}`);
  await page.waitForSelector('.graphiql-editor-tool .CodeMirror', { state: 'attached', timeout: 10000 });
  const headers = await page.evaluate(() =>
    [...document.querySelectorAll('.graphiql-editor-tool .CodeMirror')]
      .map((el) => el.CodeMirror.getValue())
      .join('\n'),
  );
  if (!headers.includes('Authorization')) fail(`the Authorization template is missing: ${headers}`);
  // Run it from the page.
  await page.click('.graphiql-execute-button');
  await page.waitForFunction(
    () => {
      const el = document.querySelector('.result-window .CodeMirror');
      return el && el.CodeMirror.getValue().includes('totalCount');
    },
    null,
    { timeout: 30000 },
  );
  const result = await page.evaluate(() =>
    document.querySelector('.result-window .CodeMirror').CodeMirror.getValue(),
  );
  const answer = JSON.parse(result);
  const nodes = answer?.data?.reports?.nodes ?? [];
  if (!nodes.some((n) => String(n.unitName).includes('云溪区'))) {
    fail(`the reference report is not in the answer: ${result.slice(0, 400)}`);
  }
  if (answer.errors) fail(`errors: ${JSON.stringify(answer.errors)}`);
  if (elsewhere.length) fail(`requests left the machine: ${elsewhere.join(', ')}`);
  if (errors.length) fail(`page errors: ${errors.join(' | ')}`);
  if (!process.exitCode) {
    console.log(`graphiql: offline page rendered and ran the example (${nodes.length} reports)`);
  }
} finally {
  await browser.close();
}
