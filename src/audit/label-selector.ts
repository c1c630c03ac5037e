/**
 * Kubernetes label selectors (`--selector`): the API server applies them to the Image list; for file
 * input the audit applies them itself with this matcher, so both sources select the same Images.
 * Grammar: comma-separated requirements `k=v`, `k==v`, `k!=v`, `k`, `!k`, `k in (a,b)`,
 * `k notin (a,b)`. Pure.
 */
import { ConfigError } from '../codes.js';

type Requirement =
  | { readonly op: 'eq' | 'ne'; readonly key: string; readonly value: string }
  | { readonly op: 'in' | 'notin'; readonly key: string; readonly values: readonly string[] }
  | { readonly op: 'exists' | 'absent'; readonly key: string };

export interface LabelSelector {
  readonly text: string;
  matches(labels: unknown): boolean;
}

const KEY = /^(?:[a-z0-9](?:[-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

/** Throws ConfigError for a selector Kubernetes would refuse. */
export function parseLabelSelector(text: string): LabelSelector {
  const requirements = splitRequirements(text).map((part) => parseRequirement(part, text));
  return { text, matches: (labels) => requirements.every((r) => holds(r, isStringMap(labels) ? labels : {})) };
}

function splitRequirements(text: string): string[] {
  if (text.trim() === '') return [];
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim());
}

function parseRequirement(part: string, whole: string): Requirement {
  const bad = (why: string): never => {
    throw new ConfigError(`--selector ${JSON.stringify(whole)}: ${why}`);
  };
  if (part === '') return bad('empty requirement');
  const set = /^(\S+)\s+(in|notin)\s*\(([^()]*)\)$/.exec(part);
  if (set) {
    const key = checkKey(set[1] ?? '', bad);
    const values = (set[3] ?? '').split(',').map((v) => checkValue(v.trim(), bad));
    return { op: set[2] === 'in' ? 'in' : 'notin', key, values };
  }
  const cmp = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(part);
  if (cmp) {
    return { op: cmp[2] === '!=' ? 'ne' : 'eq', key: checkKey(cmp[1] ?? '', bad), value: checkValue(cmp[3] ?? '', bad) };
  }
  if (part.startsWith('!')) return { op: 'absent', key: checkKey(part.slice(1).trim(), bad) };
  return { op: 'exists', key: checkKey(part, bad) };
}

function checkKey(key: string, bad: (why: string) => never): string {
  const name = key.includes('/') ? key.slice(key.indexOf('/') + 1) : key;
  if (!KEY.test(key) || name.length > 63 || key.length > 317) bad(`invalid label key ${JSON.stringify(key)}`);
  return key;
}

function checkValue(value: string, bad: (why: string) => never): string {
  if (!VALUE.test(value) || value.length > 63) bad(`invalid label value ${JSON.stringify(value)}`);
  return value;
}

function holds(r: Requirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.hasOwn(labels, r.key);
  const value = has ? labels[r.key] : undefined;
  switch (r.op) {
    case 'eq':
      return value === r.value;
    case 'ne':
      return value !== r.value;
    case 'in':
      return value !== undefined && r.values.includes(value);
    case 'notin':
      return value === undefined || !r.values.includes(value);
    case 'exists':
      return has;
    case 'absent':
      return !has;
  }
}

function isStringMap(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string');
}
