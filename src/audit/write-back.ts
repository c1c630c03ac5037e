/**
 * What write-back may send (contract section 9): only an Image whose conditions changed, and only
 * changes the engine owns. `writeBackProblem` is the last check before every `PUT`: it compares the
 * Image as read with the Image to send and refuses anything beyond signature conditions and
 * informative fields, and any signature removed, added, reordered or blanked. Pure; never throws.
 */
import { CONDITION_TYPES } from '../conditions.js';
import { INFORMATIVE_FIELDS } from '../conditions/fields.js';
import { deepEqual, isObject } from '../conditions/compare.js';
import type { JsonObject } from '../types.js';

/** The signature members write-back may change: conditions and the informative fields. */
const WRITABLE_SIGNATURE_MEMBERS: ReadonlySet<string> = new Set(['conditions', ...INFORMATIVE_FIELDS]);

/** Image members the API server requires in a body but a list item may lack. */
const TYPE_MEMBERS: ReadonlySet<string> = new Set(['apiVersion', 'kind']);

/** Whether an Image should be written: only when its conditions changed and write-back is on. */
export function shouldWrite(changed: boolean, writeConditions: boolean): boolean {
  return writeConditions && changed;
}

/**
 * Null when `after` differs from `before` only in what write-back owns; otherwise why not.
 * `apiVersion` / `kind` may be added (list items omit them) but not changed.
 */
export function writeBackProblem(before: JsonObject, after: JsonObject): string | null {
  try {
    return problem(before, after);
  } catch {
    return 'the Image could not be compared';
  }
}

function problem(before: JsonObject, after: JsonObject): string | null {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const key of keys) {
    if (key === 'signatures') continue;
    if (TYPE_MEMBERS.has(key) && !Object.hasOwn(before, key) && typeof after[key] === 'string') continue;
    if (!deepEqual(before[key], after[key])) return `member ${key} would change`;
  }
  const old = before['signatures'];
  const next = after['signatures'];
  if (old === undefined && next === undefined) return null;
  if (!Array.isArray(old) || !Array.isArray(next)) return 'signatures would change shape';
  if (old.length !== next.length) return 'a signature would be added or removed';
  for (let i = 0; i < old.length; i++) {
    const a: unknown = old[i];
    const b: unknown = next[i];
    if (!isObject(a) || !isObject(b)) {
      if (!deepEqual(a, b)) return `signatures[${i}] would change`;
      continue;
    }
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (WRITABLE_SIGNATURE_MEMBERS.has(key)) continue;
      // name, type and content (and anything else) stay byte for byte.
      if (!deepEqual(a[key], b[key])) return `signatures[${i}].${key} would change`;
    }
    const foreign = foreignConditions(a['conditions']);
    if (!deepEqual(foreign, foreignConditions(b['conditions']))) return `signatures[${i}] conditions of other types would change`;
  }
  return null;
}

/** Conditions of types the engine does not own, in order. */
function foreignConditions(list: unknown): unknown[] {
  if (!Array.isArray(list)) return [];
  return list.filter((c) => !(isObject(c) && (CONDITION_TYPES as readonly unknown[]).includes(c['type'])));
}
