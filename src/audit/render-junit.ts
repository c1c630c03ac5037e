/**
 * `-o junit`: JUnit XML for CI systems. One `testcase` per Image: a `failure` when it is not
 * trusted (or denied by policy), an `error` when its write failed; input and write errors of the
 * run are `error` test cases of their own. Text is XML-escaped, and characters XML cannot carry are
 * dropped. Pure.
 */
import type { AuditItem, AuditReportHead } from './model.js';
import { itemPasses } from './model.js';

export function renderJunitHead(head: AuditReportHead): string {
  const s = head.summary;
  const failures = s.decisions ? s.decisions.Denied : s.verdicts.Untrusted + s.verdicts.Unsigned;
  const errors = s.writeFailures + head.errors.length;
  const tests = s.images + head.errors.length;
  const name = `imagetrust audit${head.shard !== undefined ? ` shard ${head.shard}` : ''}`;
  const props: [string, string][] = [
    ['evaluationTime', head.evaluationTime],
    ['source', head.source],
    ['identityRule', head.identityRule],
    ['consistentSnapshot', String(head.consistentSnapshot)],
    ['writeConditions', String(head.writeConditions)],
    ['written', String(s.written)],
    ...(head.selector !== undefined ? [['selector', head.selector] as [string, string]] : []),
    ...(head.policyRevision !== undefined ? [['policyRevision', head.policyRevision] as [string, string]] : []),
  ];
  const errorCases = head.errors
    .map((e) => `    <testcase classname="input" name="${x(e.source + (e.path ? ` ${e.path}` : ''))}"><error type="InputError" message="${x(e.message)}"/></testcase>\n`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="${x(name)}" tests="${tests}" failures="${failures}" errors="${errors}">
  <testsuite name="${x(name)}" tests="${tests}" failures="${failures}" errors="${errors}" skipped="0" timestamp="${x(head.evaluationTime.replace(/Z$/, ''))}">
    <properties>
${props.map(([k, v]) => `      <property name="${x(k)}" value="${x(v)}"/>`).join('\n')}
    </properties>
${errorCases}`;
}

export function renderJunitRow(item: AuditItem): string {
  const ref = item.dockerImageReference ?? item.image;
  const at = ref.search(/[@:][^/]*$/);
  const classname = at > 0 ? ref.slice(0, at) : ref;
  const lines = item.signatures.map((s) => `${s.name}: ${s.reason}${s.keyID !== undefined ? ` (key ${s.keyID})` : ''}: ${s.message}`);
  const body = xText(lines.join('\n'));
  let inner = '';
  if (!itemPasses(item)) {
    const reason = item.decision !== undefined ? (item.reason ?? 'Denied') : item.signatures.length === 0 ? 'Unsigned' : firstReason(item);
    const message = item.decision !== undefined ? `${item.decision}: ${item.message ?? ''}`
      : item.signatures.length === 0 ? 'Unsigned: the Image has no signatures' : `${item.verdict}: ${reason}`;
    inner += `<failure type="${x(reason)}" message="${x(message)}">${body}</failure>`;
  }
  if (item.writeError !== undefined) inner += `<error type="WriteFailed" message="${x(item.writeError)}"/>`;
  if (inner === '' && lines.length > 0) inner = `<system-out>${body}</system-out>`;
  const name = ref.includes(item.image) ? ref : `${ref} ${item.image}`;
  return `    <testcase classname="${x(classname)}" name="${x(name)}">${inner}</testcase>\n`;
}

export function renderJunitFoot(): string {
  return '  </testsuite>\n</testsuites>\n';
}

function firstReason(item: AuditItem): string {
  return item.signatures.find((s) => s.reason !== 'Verified')?.reason ?? 'Untrusted';
}

/** XML escaping for text; drops characters XML 1.0 cannot carry. */
function xText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** XML escaping for attribute values: line breaks and tabs as character references, so they survive. */
function x(text: string): string {
  return xText(text).replace(/[\n\r\t]/g, (c) => `&#${c.charCodeAt(0)};`);
}
