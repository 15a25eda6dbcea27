// A preparer attaches evidence for an indicator from a browser: in headless Chromium, on a page
// of the service, the browser's own FormData sends the GraphQL multipart request (operations,
// map, file) that Apollo's and urql's upload links send; then the file is downloaded back and
// compared, its Chinese name decoded from Content-Disposition.
//
//   node tests/browser/upload.mjs http://127.0.0.1:PORT TOKEN [CHROMIUM]
import { chromium } from 'playwright-core';

const [base, token] = process.argv.slice(2, 4);
const executablePath = process.argv[4] || '/usr/bin/chromium';
if (!base || !token) {
  console.error('usage: node upload.mjs BASE_URL PREPARER_TOKEN [CHROMIUM]');
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: ['--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1', '--no-sandbox'],
});
try {
  const page = await browser.newPage();
  await page.goto(`${base}/healthz`, { waitUntil: 'load', timeout: 30000 });
  const result = await page.evaluate(async (token) => {
    const gql = async (query, variables) => {
      const r = await fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      return r.json();
    };
    const created = await gql(
      `mutation($i: UpsertReportInput!) { upsertReport(input: $i) { report { id indicators { id } } userErrors { message } } }`,
      { i: { externalId: 'browser-upload', document: {
        departmentCode: 'YX-KGJ', fiscalYear: 2024, unitName: '浏览器测试局',
        indicators: [
          { category: 'OUTPUT', subcategory: 'QUANTITY', name: '新增企业', target: { text: '≥5家' } },
          { category: 'OUTCOME', subcategory: 'ECONOMIC', name: '争取资金', target: { text: '≥900万元' } },
        ],
      } } },
    );
    const report = created.data.upsertReport.report;
    const indicator = report.indicators[1].id;
    const bytes = new TextEncoder().encode('%PDF-1.4\n% 925.45万元争资到位凭证\n%%EOF\n');
    const name = '2019年争资到位凭证（科工局）.pdf';
    const form = new FormData();
    form.append('operations', JSON.stringify({
      query: `mutation($i: AttachEvidenceInput!) { attachEvidence(input: $i) { attachment { id fileName sha256 url target { indicator { id } } } userErrors { code message } } }`,
      variables: { i: { reportId: report.id, file: null, target: { kind: 'INDICATOR', indicatorId: indicator } } },
    }));
    form.append('map', JSON.stringify({ 0: ['variables.i.file'] }));
    form.append('0', new File([bytes], name, { type: 'application/pdf' }));
    const sent = await fetch('/graphql', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    const answer = await sent.json();
    const attachment = answer?.data?.attachEvidence?.attachment;
    if (!attachment) return { error: JSON.stringify(answer) };
    const back = await fetch(attachment.url, { headers: { authorization: `Bearer ${token}` } });
    const disposition = back.headers.get('content-disposition') || '';
    const star = /filename\*=UTF-8''([^;]+)/.exec(disposition);
    const got = new Uint8Array(await back.arrayBuffer());
    return {
      status: back.status,
      name: attachment.fileName,
      onIndicator: attachment.target?.indicator?.id === indicator,
      downloadedName: star ? decodeURIComponent(star[1]) : null,
      same: got.length === bytes.length && got.every((b, i) => b === bytes[i]),
      expectedName: name,
    };
  }, token);
  const failures = [];
  if (result.error) failures.push(`attachEvidence: ${result.error}`);
  else {
    if (result.name !== result.expectedName) failures.push(`stored name ${result.name}`);
    if (!result.onIndicator) failures.push('not on the indicator');
    if (result.status !== 200) failures.push(`download status ${result.status}`);
    if (result.downloadedName !== result.expectedName) failures.push(`downloaded as ${result.downloadedName}`);
    if (!result.same) failures.push('the downloaded bytes differ');
  }
  if (failures.length) {
    console.error(`upload: ${failures.join('; ')}`);
    process.exitCode = 1;
  } else {
    console.log(`upload: the browser attached “${result.name}” to an indicator and downloaded it back`);
  }
} finally {
  await browser.close();
}
