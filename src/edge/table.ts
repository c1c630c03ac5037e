/**
 * `-o table`: one line per signature, for people. Untrusted text is flattened to one line. With
 * policies, a DECISION column, then one line per denial and per warning.
 */
import { oneLine } from '../codes.js';
import type { ReportItem, VerificationReport } from './report.js';

const HEADERS = ['IMAGE', 'VERDICT', 'SIGNATURE', 'REASON', 'SIGNER', 'MESSAGE'] as const;
const POLICY_HEADERS = ['IMAGE', 'DECISION', 'VERDICT', 'SIGNATURE', 'REASON', 'SIGNER', 'MESSAGE'] as const;

export function renderTable(report: VerificationReport): string {
  const withPolicies = report.policyRevision !== undefined;
  const headers: readonly string[] = withPolicies ? POLICY_HEADERS : HEADERS;
  const rows: string[][] = [];
  const decisionLines: string[] = [];
  for (const item of report.items) {
    const image = imageLabel(item);
    const lead = withPolicies ? [image, item.decision ?? '-', item.verdict] : [image, item.verdict];
    if (item.signatures.length === 0) rows.push([...lead, '-', 'Unsigned', '-', 'the Image has no signatures']);
    for (const sig of item.signatures) {
      const signer = sig.fingerprint
        ? `${sig.signer?.commonName ?? sig.fingerprint.slice(-16)} (${sig.trustRoot ?? ''})`
        : sig.keyID ? `key ${sig.keyID}?` : '-';
      rows.push([...lead, shortName(sig.name), sig.reason, signer, sig.message]);
    }
    if (item.decision === 'Denied') decisionLines.push(`DENIED   ${image}: ${item.reason ?? ''}: ${item.message ?? ''}`);
    for (const warning of item.warnings ?? []) decisionLines.push(`WARNING  ${image}: ${warning}`);
  }
  const widths = headers.map((h, i) => Math.min(i === 0 ? 60 : 56, Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length))));
  const line = (cells: readonly string[]): string => {
    const text = cells.map((c, i) => (i === cells.length - 1 ? c : fit(c, widths[i] ?? 10).padEnd(widths[i] ?? 10))).join('  ');
    return oneLine(text).trimEnd();
  };
  const counts = { Trusted: 0, Untrusted: 0, Unsigned: 0 };
  for (const item of report.items) counts[item.verdict]++;
  const allowed = report.items.filter((item) => item.decision === 'Allowed').length;
  const decisions = withPolicies ? `${allowed} Allowed, ${report.items.length - allowed} Denied; ` : '';
  const summary = `${report.items.length} image${report.items.length === 1 ? '' : 's'}: ${decisions}${counts.Trusted} Trusted, ${counts.Untrusted} Untrusted, ${counts.Unsigned} Unsigned`
    + (report.errors.length > 0 ? `, ${report.errors.length} input error${report.errors.length === 1 ? '' : 's'}` : '')
    + ` (evaluated at ${report.evaluationTime})`;
  const notes = decisionLines.length > 0 ? ['', ...decisionLines.map((l) => oneLine(l))] : [];
  return [line(headers), ...rows.map(line), ...notes, '', summary].join('\n') + '\n';
}

function imageLabel(item: ReportItem): string {
  const ref = item.dockerImageReference;
  if (!ref) return item.image;
  const at = ref.indexOf('@');
  return at > 0 ? `${ref.slice(0, at)}@${item.image.slice(0, 19)}…` : ref;
}

function shortName(name: string): string {
  const at = name.indexOf('@');
  const id = at >= 0 ? name.slice(at + 1) : name;
  return id.length > 12 ? `${id.slice(0, 12)}…` : id || '-';
}

function fit(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, Math.max(0, width - 1))}…` : text;
}
