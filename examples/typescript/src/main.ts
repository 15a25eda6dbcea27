// The example front-end run end to end against a live jixiao:
//
//   JIXIAO_URL=http://127.0.0.1:8080 JIXIAO_TOKEN=$(jixiao token --role PREPARER --department YX-KGJ) npm start
//
// It renders the list and detail pages, saves a draft whose first try is refused with
// userErrors (shown by field, as a form would), and follows the report's events over the
// subscription while it saves. Exits non-zero when anything is not as the contract says.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { print } from 'graphql';
import { client } from './client.js';
import { graphql } from './gql/index.js';
import { detailPage, listPage } from './pages.js';

const SaveDraft = graphql(`
  mutation SaveDraft($input: UpsertReportInput!) {
    upsertReport(input: $input) {
      result
      report {
        id
        version
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`);

const Events = graphql(`
  subscription Events($filter: ChangeFilter) {
    reportEvents(filter: $filter) {
      cursor
      operation
      reportGlobalId
    }
  }
`);

const base = process.env.JIXIAO_URL ?? 'http://127.0.0.1:8080';
const token = process.env.JIXIAO_TOKEN;
const execute = client(`${base}/graphql`, token);
let failed = false;
const check = (ok: boolean, what: string) => {
  if (!ok) {
    failed = true;
    console.error(`FAILED: ${what}`);
  }
};

// The list page and the detail page of its first report.
const list = await listPage(execute);
console.log(list.text);
check(list.text.includes('云溪区'), 'the list shows the reference report');
const first = list.ids[0];
check(first !== undefined, 'the list has a report');
if (first) {
  const detail = await detailPage(execute, first);
  console.log(detail);
  check(detail.includes('万元'), 'the detail page shows the finance tables');
}

// Subscribe to the department's events before saving.
const ws = createClient({
  url: `${base.replace(/^http/, 'ws')}/graphql/ws`,
  webSocketImpl: WebSocket,
  connectionParams: token ? { Authorization: `Bearer ${token}` } : {},
});
const externalId = `ts-example-${Date.now()}`;
const event = new Promise<string>((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error('no event within 10 s')), 10000);
  ws.subscribe(
    { query: print(Events), variables: { filter: { departmentCode: 'YX-KGJ' } } },
    {
      next: (message) => {
        const e = (message.data as { reportEvents?: { operation: string; reportGlobalId?: string | null } } | null)
          ?.reportEvents;
        if (e?.operation === 'CREATE') {
          clearTimeout(timer);
          resolve(e.reportGlobalId ?? '');
        }
      },
      error: (e) => reject(e instanceof Error ? e : new Error(JSON.stringify(e))),
      complete: () => undefined,
    },
  );
});
// Let the subscription start before the write.
await new Promise((r) => setTimeout(r, 500));

// A form's first try: a fiscal year out of range comes back as a userError on its field.
const refused = await execute(SaveDraft, {
  input: { externalId, document: { departmentCode: 'YX-KGJ', fiscalYear: 1800, unitName: '示例单位' } },
});
for (const e of refused.upsertReport.userErrors) console.log(`表单提示 ${(e.field ?? []).join('.')}: [${e.code}] ${e.message}`);
check(refused.upsertReport.report === null, 'a refused draft is not saved');
check(
  refused.upsertReport.userErrors.some((e) => (e.field ?? []).join('.') === 'document.fiscalYear'),
  'the userError names document.fiscalYear',
);
// Corrected, it saves.
const saved = await execute(SaveDraft, {
  input: {
    externalId,
    document: { departmentCode: 'YX-KGJ', fiscalYear: 2024, unitName: '示例单位', declaredScore: '92.50' },
  },
});
check(saved.upsertReport.result === 'CREATED', 'the corrected draft is created');
const created = await event;
check(created === saved.upsertReport.report?.id, 'the subscription delivers the created report’s global id');
await ws.dispose();

if (failed) process.exit(1);
console.log('example front-end: ok');
