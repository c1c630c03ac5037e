/**
 * `-o table`: one line per Image for people, then the counts, the reasons and the signer inventory.
 * Columns have fixed widths so rows can be written as they come. Untrusted text is flattened to one
 * line. Pure.
 */
import { oneLine } from '../codes.js';
import type { AuditItem, AuditReportHead, AuditSignature, SignerEntry } from './model.js';

const COLUMNS = [['IMAGE', 58], ['VERDICT', 9], ['SIGS', 5], ['REASON', 24], ['SIGNER', 30], ['CONDITIONS', 10]] as const;

export function renderTableHead(head: AuditReportHead): string {
  return `${line(columnsFor(head).map(([name]) => name))}\n`;
}

export function renderTableRow(item: AuditItem, _index: number, head: AuditReportHead): string {
  const verified = item.signatures.filter((s) => s.reason === 'Verified').length;
  const cells = [
    imageLabel(item),
    item.decision ?? item.verdict,
    `${verified}/${item.signatures.length}`,
    reasonOf(item),
    signerOf(item.signatures),
    writeOf(item, head.dryRun),
  ];
  return `${line(cells)}\n`;
}

export function renderTableFoot(head: AuditReportHead): string {
  const s = head.summary;
  const out: string[] = [''];
  out.push(`${s.images} image${s.images === 1 ? '' : 's'}: ${s.verdicts.Trusted} Trusted, ${s.verdicts.Untrusted} Untrusted, ${s.verdicts.Unsigned} Unsigned`
    + (s.decisions ? `; policy: ${s.decisions.Allowed} Allowed, ${s.decisions.Denied} Denied` : '')
    + ` (evaluated at ${head.evaluationTime}${head.shard !== undefined ? `, shard ${head.shard}` : ''})`);
  if (s.signatures > 0) out.push(`${s.signatures} signature${s.signatures === 1 ? '' : 's'} by reason: ${counts(s.reasons)}`);
  if (s.policyReasons && Object.keys(s.policyReasons).length > 0) out.push(`denied by policy reason: ${counts(s.policyReasons)}`);
  if (head.writeConditions) {
    out.push(`${head.dryRun ? 'would write (dry run)' : 'written'}: ${s.written} of ${s.changed} changed`
      + (s.conflicts > 0 ? `, ${s.conflicts} conflict${s.conflicts === 1 ? '' : 's'} retried` : '')
      + (s.writeFailures > 0 ? `, ${s.writeFailures} failed` : ''));
  } else if (s.changed > 0) {
    out.push(`${s.changed} image${s.changed === 1 ? ' has' : 's have'} out-of-date conditions (use --write-conditions to update them)`);
  }
  if (!head.consistentSnapshot) out.push('note: the list continued from a newer snapshot after its continue token expired (410): Images changed meanwhile may be missed or seen twice');
  if (s.errors > 0) out.push(`${s.errors} error${s.errors === 1 ? '' : 's'}:`);
  for (const error of head.errors) out.push(oneLine(`  ${error.source}${error.path ? ` ${error.path}` : ''}: ${error.message}`));
  if (head.signers.length > 0) {
    out.push('', line(['SIGNER', 'KEY', 'TRUST ROOT', 'SIGS', 'VERIFIED', 'IMAGES'], SIGNER_WIDTHS));
    for (const signer of head.signers) out.push(signerLine(signer));
    if (s.signersOmitted > 0) out.push(`(${s.signersOmitted} more signers not listed)`);
  }
  return `${out.join('\n')}\n`;
}

const SIGNER_WIDTHS = [36, 40, 20, 6, 8, 6] as const;

function signerLine(signer: SignerEntry): string {
  const who = signer.commonName ?? signer.email ?? (signer.known ? '(no user ID)' : 'UNKNOWN KEY');
  const key = signer.fingerprint ?? signer.keyIDs.join(',');
  return line([who, key, signer.trustRoot ?? (signer.known ? '-' : 'not trusted'), String(signer.signatures), String(signer.verified), String(signer.images)], SIGNER_WIDTHS);
}

function columnsFor(head: AuditReportHead): (readonly [string, number])[] {
  return COLUMNS.map((c) => (c[0] === 'VERDICT' && head.policyRevision !== undefined ? ['DECISION', 9] as const : c));
}

function reasonOf(item: AuditItem): string {
  if (item.decision !== undefined && item.reason !== undefined) return item.reason;
  if (item.signatures.length === 0) return 'Unsigned';
  if (item.signatures.some((s) => s.reason === 'Verified')) return 'Verified';
  return [...new Set(item.signatures.map((s) => s.reason))].join(',');
}

function signerOf(signatures: readonly AuditSignature[]): string {
  const names = new Set<string>();
  for (const sig of signatures) {
    if (sig.fingerprint !== undefined) names.add(sig.signer?.commonName ?? sig.fingerprint.slice(-16));
    else if (sig.keyID !== undefined) names.add(`key ${sig.keyID}?`);
  }
  return names.size === 0 ? '-' : [...names].join(', ');
}

function writeOf(item: AuditItem, dryRun: boolean): string {
  if (item.writeError !== undefined) return 'FAILED';
  if (item.written === true) return dryRun ? 'dry-run' : 'written';
  return item.changed ? 'outdated' : 'current';
}

function imageLabel(item: AuditItem): string {
  const ref = item.dockerImageReference;
  if (!ref) return item.image;
  const at = ref.indexOf('@');
  return at > 0 ? `${ref.slice(0, at)}@${item.image.slice(0, 19)}…` : ref;
}

function counts(map: Readonly<Record<string, number>>): string {
  return Object.entries(map).map(([k, v]) => `${k} ${v}`).join(', ');
}

function line(cells: readonly string[], widths: readonly number[] = COLUMNS.map((c) => c[1])): string {
  const text = cells.map((cell, i) => {
    const flat = oneLine(cell);
    if (i === cells.length - 1) return flat;
    const width = widths[i] ?? 10;
    return (flat.length > width ? `${flat.slice(0, width - 1)}…` : flat).padEnd(width);
  }).join('  ');
  return text.trimEnd();
}
