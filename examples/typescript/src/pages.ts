// The pages of a front-end, rendered as text: a list of reports and one report's detail.
import { graphql } from './gql/index.js';
import type { ReportListQuery } from './gql/graphql.js';
import type { client } from './client.js';

type Execute = ReturnType<typeof client>;

export const ReportList = graphql(`
  query ReportList($first: Int!, $after: String) {
    reports(first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        title
        unitName
        fiscalYear
        status
        declaredScore
      }
    }
  }
`);

export const ReportDetail = graphql(`
  query ReportDetail($id: ID!) {
    report(id: $id) {
      id
      title
      unitName
      fiscalYear
      status
      declaredScore
      finance {
        units {
          name
          income {
            total
          }
          expenditure {
            total
          }
        }
      }
      indicators {
        name
        category
        subcategory
        target {
          text
        }
        actual {
          text
        }
      }
    }
  }
`);

/** The list page: one line per report, every page followed. */
export async function listPage(execute: Execute): Promise<{ ids: string[]; text: string }> {
  const lines: string[] = [];
  const ids: string[] = [];
  let after: string | null | undefined = undefined;
  for (;;) {
    const page: ReportListQuery = await execute(ReportList, { first: 20, after });
    const reports = page.reports;
    for (const r of reports.nodes) {
      ids.push(r.id);
      // Decimal is a string: shown as sent, never rounded through a float.
      lines.push(`${r.fiscalYear} ${r.unitName ?? ''} ${r.title ?? ''} [${r.status}] 自评 ${r.declaredScore ?? '—'}`);
    }
    if (!reports.pageInfo.hasNextPage) break;
    after = reports.pageInfo.endCursor;
  }
  return { ids, text: lines.join('\n') };
}

/** The detail page of one report. */
export async function detailPage(execute: Execute, id: string): Promise<string> {
  const { report } = await execute(ReportDetail, { id });
  if (!report) return '未找到该报告';
  const money = (report.finance?.units ?? [])
    .map((u) => `  ${u.name}: 收入 ${u.income?.total ?? '—'} 万元，支出 ${u.expenditure?.total ?? '—'} 万元`)
    .join('\n');
  const indicators = report.indicators
    .map((i) => `  ${i.category}/${i.subcategory ?? ''} ${i.name ?? ''}: 目标 ${i.target?.text ?? '—'}，完成 ${i.actual?.text ?? '—'}`)
    .join('\n');
  return `${report.unitName ?? ''} ${report.fiscalYear} ${report.title ?? ''}\n${money}\n${indicators}`;
}
