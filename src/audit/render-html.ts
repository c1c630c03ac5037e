/**
 * `-o html`: one self-contained page (inline CSS and a few lines of inline JS, no external
 * resources, a Content-Security-Policy that forbids loading any): summary counts, reasons, the
 * signer inventory and a filterable per-Image table. Every value from the run is HTML-escaped:
 * Image names, messages and user IDs are attacker-controlled. Pure.
 */
import type { AuditItem, AuditReportHead, AuditSignature, SignerEntry } from './model.js';
import { HTML_SCRIPT, HTML_STYLE } from './html-assets.js';

export function renderHtmlHead(head: AuditReportHead): string {
  const s = head.summary;
  const cards: [string, number, string][] = s.decisions
    ? [['Images', s.images, ''], ['Allowed', s.decisions.Allowed, 'ok'], ['Denied', s.decisions.Denied, s.decisions.Denied > 0 ? 'bad' : '']]
    : [['Images', s.images, ''], ['Trusted', s.verdicts.Trusted, 'ok'], ['Untrusted', s.verdicts.Untrusted, s.verdicts.Untrusted > 0 ? 'bad' : ''], ['Unsigned', s.verdicts.Unsigned, s.verdicts.Unsigned > 0 ? 'warn' : '']];
  cards.push(['Signatures', s.signatures, '']);
  if (head.writeConditions) cards.push([head.dryRun ? 'Would write' : 'Written', s.written, '']);
  else cards.push(['Out of date', s.changed, s.changed > 0 ? 'warn' : '']);
  if (s.errors > 0) cards.push(['Errors', s.errors, 'bad']);
  const meta: [string, string][] = [
    ['Evaluated at', head.evaluationTime],
    ['Source', head.source + (head.selector ? ` (selector ${head.selector})` : '')],
    ...(head.shard !== undefined ? [['Shard', head.shard] as [string, string]] : []),
    ...(head.shards ? [['Merged shards', head.shards.map((x) => x.shard).join(', ')] as [string, string]] : []),
    ['Identity rule', head.identityRule + (head.expectedIdentity ? `, expected identity ${head.expectedIdentity}` : '')],
    ...(head.policyRevision !== undefined ? [['Policies', `revision ${head.policyRevision}, unmatched Images: ${head.unmatched ?? 'deny'}`] as [string, string]] : []),
    ['Write-back', head.writeConditions ? (head.dryRun ? 'dry run (dryRun=All)' : 'on') : 'off'],
  ];
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>imagetrust audit ${esc(head.evaluationTime)}</title>
<style>${HTML_STYLE}</style></head><body>
<header><h1>imagetrust audit</h1><dl>${meta.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl></header>
${head.consistentSnapshot ? '' : '<p class="note">The Image list continued from a newer snapshot after its continue token expired (410 ResourceExpired): Images changed during the run may be missing or counted twice.</p>'}
<section class="cards">${cards.map(([label, n, cls]) => `<div class="card ${cls}"><b>${n}</b><span>${esc(label)}</span></div>`).join('')}</section>
<section class="two"><div><h2>Signatures by reason</h2>${countTable(s.reasons, 'Reason', s.signatures)}</div>
${s.policyReasons ? `<div><h2>Denied Images by policy reason</h2>${countTable(s.policyReasons, 'Reason', s.decisions?.Denied ?? 0)}</div>` : ''}</section>
<section><h2>Signer inventory</h2><p class="hint">Every key that signed something, trusted or not. Unknown keys are the ones to onboard (or to investigate).</p>
${signerTable(head.signers)}${s.signersOmitted > 0 ? `<p class="hint">${s.signersOmitted} more signers not listed.</p>` : ''}</section>
${errorList(head)}
<section><h2>Images</h2>
<div class="filters"><input id="q" type="search" placeholder="Filter: image, reason, key, signer…" aria-label="filter">
<select id="v" aria-label="verdict"><option value="">all verdicts</option>${verdictOptions(head)}</select>
<label><input id="f" type="checkbox"> only failing</label><span id="n"></span></div>
<table id="images"><thead><tr><th>Image</th><th>${s.decisions ? 'Decision' : 'Verdict'}</th><th>Signatures</th><th>Signers</th><th>Conditions</th></tr></thead><tbody>
`;
}

export function renderHtmlRow(item: AuditItem, _index: number, head: AuditReportHead): string {
  const outcome = item.decision ?? item.verdict;
  const pass = item.decision !== undefined ? item.decision === 'Allowed' : item.verdict === 'Trusted';
  const signers = [...new Set(item.signatures.map(signerLabel).filter((x) => x !== ''))];
  const sigs = item.signatures.length === 0
    ? '<span class="muted">no signatures</span>'
    : item.signatures.map((sig) => `<div class="sig"><code class="${sig.reason === 'Verified' ? 'ok' : 'bad'}">${esc(sig.reason)}</code> ${esc(sig.message)}</div>`).join('');
  const policy = item.decision !== undefined
    ? `<div class="sig"><code class="${pass ? 'ok' : 'bad'}">${esc(item.reason ?? '')}</code> ${esc(item.message ?? '')}</div>${(item.warnings ?? []).map((w) => `<div class="sig warn">warning: ${esc(w)}</div>`).join('')}`
    : '';
  const write = item.writeError !== undefined ? `<span class="bad">failed: ${esc(item.writeError)}</span>`
    : item.written === true ? (head.dryRun ? 'would write (dry run)' : 'written') : item.changed ? '<span class="warn">out of date</span>' : '<span class="muted">current</span>';
  const text = [item.image, item.dockerImageReference ?? '', outcome, ...item.signatures.flatMap((s) => [s.reason, s.keyID ?? '', s.fingerprint ?? '', signerLabel(s)]), item.reason ?? ''].join(' ').toLowerCase();
  const ref = item.dockerImageReference ?? '';
  const at = ref.indexOf('@');
  const label = at > 0 ? `${ref.slice(0, at)}@${item.image.slice(0, 19)}…` : ref;
  return `<tr data-v="${esc(outcome)}" data-p="${pass ? 1 : 0}" data-t="${esc(text)}"><td><div title="${esc(ref)}">${esc(label)}</div><code class="muted">${esc(item.image)}</code>${item.source !== 'cluster' ? `<div class="muted">${esc(item.source)}</div>` : ''}</td>`
    + `<td><span class="pill ${pass ? 'ok' : 'bad'}">${esc(outcome)}</span>${item.decision !== undefined ? `<div class="muted">${esc(item.verdict)}</div>` : ''}</td>`
    + `<td>${policy}${sigs}</td><td>${signers.map(esc).join('<br>')}</td><td>${write}</td></tr>\n`;
}

export function renderHtmlFoot(): string {
  return `</tbody></table></section>
<footer>Generated by imagetrust. Reason codes: see the README.</footer>
<script>${HTML_SCRIPT}</script></body></html>
`;
}

function signerLabel(sig: AuditSignature): string {
  if (sig.fingerprint !== undefined) return `${sig.signer?.commonName ?? sig.signer?.email ?? ''} ${sig.fingerprint}`.trim();
  return sig.keyID !== undefined ? `unknown key ${sig.keyID}` : '';
}

function verdictOptions(head: AuditReportHead): string {
  const values = head.summary.decisions ? ['Allowed', 'Denied'] : ['Trusted', 'Untrusted', 'Unsigned'];
  return values.map((v) => `<option>${v}</option>`).join('');
}

function countTable(counts: Readonly<Record<string, number>>, label: string, total: number): string {
  const rows = Object.entries(counts);
  if (rows.length === 0) return '<p class="muted">none</p>';
  return `<table class="counts"><thead><tr><th>${esc(label)}</th><th>Count</th><th></th></tr></thead><tbody>${rows.map(([k, n]) => {
    const pct = total > 0 ? Math.round((n / total) * 100) : 0;
    return `<tr><td><code class="${k === 'Verified' ? 'ok' : 'bad'}">${esc(k)}</code></td><td class="num">${n}</td><td class="bar"><i style="width:${pct}%"></i></td></tr>`;
  }).join('')}</tbody></table>`;
}

function signerTable(signers: readonly SignerEntry[]): string {
  if (signers.length === 0) return '<p class="muted">No signature named a key.</p>';
  return `<table class="signers"><thead><tr><th>Signer</th><th>Key</th><th>Trust root</th><th class="num">Signatures</th><th class="num">Verified</th><th class="num">Images</th><th>Reasons</th></tr></thead><tbody>${signers.map((s) => {
    const who = [s.commonName, s.organization, s.email].filter((x): x is string => x !== undefined).map(esc).join('<br>');
    const key = `${s.fingerprint !== undefined ? `<code>${esc(s.fingerprint)}</code><br>` : ''}<span class="muted">key ID ${s.keyIDs.map(esc).join(', ')}</span>`;
    const root = s.trustRoot !== undefined ? esc(s.trustRoot) : s.known ? '<span class="muted">known, not verified</span>' : '<span class="pill bad">unknown key</span>';
    const reasons = Object.entries(s.reasons).map(([k, n]) => `${esc(k)} ${n}`).join(', ');
    return `<tr><td>${who || '<span class="muted">-</span>'}</td><td>${key}</td><td>${root}</td><td class="num">${s.signatures}</td><td class="num">${s.verified}</td><td class="num">${s.images}</td><td>${reasons}</td></tr>`;
  }).join('')}</tbody></table>`;
}

function errorList(head: AuditReportHead): string {
  if (head.summary.errors === 0) return '';
  const shown = head.errors.map((e) => `<li><code>${esc(e.source)}${e.path ? ` ${esc(e.path)}` : ''}</code>: ${esc(e.message)}</li>`).join('');
  const more = head.summary.errors - head.errors.length;
  return `<section><h2>Errors</h2><ul class="errors">${shown}</ul>${more > 0 ? `<p class="hint">${more} more not listed.</p>` : ''}</section>`;
}

/** HTML text and attribute escaping. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
