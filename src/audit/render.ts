/**
 * Report renderers share one shape, so a report can be written one Image at a time: the head
 * (everything known once the run ended: summary, inventory), one row per Image, and the foot.
 * `json` and `ndjson` are here; `table`, `html` and `junit` have their own modules. Pure.
 */
import type { AuditItem, AuditReportHead } from './model.js';
import { renderHtmlFoot, renderHtmlHead, renderHtmlRow } from './render-html.js';
import { renderJunitFoot, renderJunitHead, renderJunitRow } from './render-junit.js';
import { renderTableFoot, renderTableHead, renderTableRow } from './render-table.js';

export const REPORT_FORMATS = ['table', 'json', 'ndjson', 'junit', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface ReportRenderer {
  head(head: AuditReportHead): string;
  /** `index` counts rows from 0 (JSON needs it for its separators). */
  row(item: AuditItem, index: number, head: AuditReportHead): string;
  foot(head: AuditReportHead): string;
}

/** One line per Image; nothing before or after. */
export const ndjsonRenderer: ReportRenderer = {
  head: () => '',
  row: (item) => `${JSON.stringify(item)}\n`,
  foot: () => '',
};

/** The `AuditReport` JSON: summary and inventory first, then one item per line, then errors. */
export const jsonRenderer: ReportRenderer = {
  head(head) {
    // Errors go after the items; everything else of the head comes first.
    const text = JSON.stringify(head, function (this: unknown, key, value: unknown) {
      return this === head && key === 'errors' ? undefined : value;
    }, 2);
    return `${text.slice(0, text.lastIndexOf('}')).trimEnd()},\n  "items": [\n`;
  },
  row: (item, index) => `${index > 0 ? ',\n' : ''}    ${JSON.stringify(item)}`,
  foot(head) {
    const errors = JSON.stringify(head.errors, null, 2).replace(/\n/g, '\n  ');
    return `\n  ],\n  "errors": ${errors}\n}\n`;
  },
};

const RENDERERS: Readonly<Record<ReportFormat, ReportRenderer>> = {
  json: jsonRenderer,
  ndjson: ndjsonRenderer,
  table: { head: renderTableHead, row: renderTableRow, foot: renderTableFoot },
  html: { head: renderHtmlHead, row: renderHtmlRow, foot: renderHtmlFoot },
  junit: { head: renderJunitHead, row: renderJunitRow, foot: renderJunitFoot },
};

export function rendererFor(format: ReportFormat): ReportRenderer {
  return RENDERERS[format];
}

/** The whole report as one string (small reports, tests and `report merge`). */
export function renderReport(format: ReportFormat, head: AuditReportHead, items: Iterable<AuditItem>): string {
  const renderer = rendererFor(format);
  const parts = [renderer.head(head)];
  let index = 0;
  for (const item of items) parts.push(renderer.row(item, index++, head));
  parts.push(renderer.foot(head));
  return parts.join('');
}

/** The format a `--report` file name asks for: by extension, else `fallback`. */
export function formatForFile(path: string, fallback: ReportFormat): ReportFormat {
  const lower = path.toLowerCase();
  if (lower.endsWith('.html') || lower.endsWith('.htm')) return 'html';
  if (lower.endsWith('.xml')) return 'junit';
  if (lower.endsWith('.ndjson') || lower.endsWith('.jsonl')) return 'ndjson';
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.txt')) return 'table';
  return fallback;
}
