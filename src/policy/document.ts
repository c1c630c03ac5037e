/**
 * The shape of an `ImagePolicy` document (contract section 8), checked strictly: unknown fields,
 * wrong types, missing or repeated names and bad globs are problems with the JSON path where they
 * occur. Expressions are only collected here; `load.ts` compiles them.
 */
import { imageGlobProblem } from './glob.js';
import type { ValidationAction } from './types.js';

export type Path = readonly (string | number)[];

/** A CEL expression and where its text is in the document. */
export interface ExpressionSource {
  readonly text: string;
  readonly path: Path;
}

export interface NamedExpression {
  readonly name: string;
  readonly expression: ExpressionSource;
}

export interface ValidationSpec {
  readonly expression: ExpressionSource;
  readonly message?: string;
  readonly messageExpression?: ExpressionSource;
  readonly reason?: string;
}

/** A well-formed `ImagePolicy`, expressions not yet compiled. */
export interface PolicySpec {
  readonly name: string;
  /** Null: every Image. */
  readonly images: readonly string[] | null;
  readonly matchConditions: readonly NamedExpression[];
  /** The raw `params` value (JSON), null when absent. */
  readonly params: unknown;
  readonly variables: readonly NamedExpression[];
  readonly validations: readonly ValidationSpec[];
  readonly actions: readonly ValidationAction[];
  readonly failurePolicy: 'Fail' | 'Ignore';
}

export interface ShapeProblem {
  readonly path: Path;
  readonly message: string;
}

export const API_VERSION = 'imagetrust.io/v1alpha1';
export const KIND = 'ImagePolicy';
const ACTIONS: readonly ValidationAction[] = ['Deny', 'Warn', 'Audit'];
const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const REASON = /^[A-Za-z][A-Za-z0-9]{0,63}$/;
const RESERVED = new Set(['as', 'break', 'const', 'continue', 'else', 'false', 'for', 'function', 'if', 'import', 'in', 'let', 'loop', 'package', 'namespace', 'null', 'return', 'true', 'var', 'void', 'while']);

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads one document. Returns every problem found, and the spec as far as it could be read (null
 * when the document is not an ImagePolicy at all): usable only when there is no problem. `maxItems`
 * bounds each expression list. Never throws.
 */
export function readPolicyDocument(value: unknown, maxItems: number): { spec: PolicySpec | null; problems: ShapeProblem[] } {
  const problems: ShapeProblem[] = [];
  const problem = (path: Path, message: string): void => {
    problems.push({ path, message });
  };
  const onlyKeys = (object: Json, allowed: readonly string[], path: Path): void => {
    for (const key of Object.keys(object)) if (!allowed.includes(key)) problem([...path, key], `unknown field ${JSON.stringify(key)}`);
  };
  const str = (object: Json, key: string, path: Path, required: boolean): string | undefined => {
    const v = object[key];
    if (v === undefined) {
      if (required) problem(path, `${[...path, key].join('.') || key} is required`);
      return undefined;
    }
    if (typeof v !== 'string') {
      problem([...path, key], `${key} must be a string`);
      return undefined;
    }
    return v;
  };
  const list = (object: Json, key: string, path: Path): unknown[] | undefined => {
    const v = object[key];
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) {
      problem([...path, key], `${key} must be a list`);
      return undefined;
    }
    if (v.length > maxItems) problem([...path, key], `${key} has more than ${maxItems} entries`);
    return (v as unknown[]).slice(0, maxItems);
  };
  const expression = (object: Json, key: string, path: Path, required: boolean): ExpressionSource | undefined => {
    const text = str(object, key, path, required);
    if (text === undefined) return undefined;
    if (text.trim() === '') {
      problem([...path, key], `${key} must not be empty`);
      return undefined;
    }
    return { text, path: [...path, key] };
  };
  const namedList = (spec: Json, key: 'matchConditions' | 'variables'): NamedExpression[] => {
    const out: NamedExpression[] = [];
    const names = new Set<string>();
    for (const [i, item] of (list(spec, key, ['spec']) ?? []).entries()) {
      const path = ['spec', key, i];
      if (!isObject(item)) {
        problem(path, `each ${key} entry must be a mapping with name and expression`);
        continue;
      }
      onlyKeys(item, ['name', 'expression'], path);
      const name = str(item, 'name', path, true);
      const expr = expression(item, 'expression', path, true);
      if (name !== undefined) {
        if (key === 'variables' && (!IDENTIFIER.test(name) || RESERVED.has(name))) problem([...path, 'name'], `variable name ${JSON.stringify(name)} is not a CEL identifier`);
        else if (name === '') problem([...path, 'name'], 'name must not be empty');
        if (names.has(name)) problem([...path, 'name'], `duplicate ${key} name ${JSON.stringify(name)}`);
        names.add(name);
      }
      if (name !== undefined && expr !== undefined) out.push({ name, expression: expr });
    }
    return out;
  };

  if (!isObject(value)) return { spec: null, problems: [{ path: [], message: 'an ImagePolicy document must be a mapping' }] };
  if (value['apiVersion'] !== API_VERSION || value['kind'] !== KIND) {
    return { spec: null, problems: [{ path: [], message: `expected apiVersion ${API_VERSION}, kind ${KIND}` }] };
  }
  onlyKeys(value, ['apiVersion', 'kind', 'metadata', 'spec'], []);
  const metadata = value['metadata'];
  let name: string | undefined;
  if (!isObject(metadata)) {
    problem([], 'metadata.name is required');
  } else {
    onlyKeys(metadata, ['name', 'labels', 'annotations'], ['metadata']);
    name = str(metadata, 'name', ['metadata'], true);
    if (name !== undefined && (name.length > 253 || !NAME.test(name))) problem(['metadata', 'name'], 'metadata.name must be a lowercase DNS subdomain name');
    for (const key of ['labels', 'annotations']) {
      const map = metadata[key];
      if (map !== undefined && (!isObject(map) || Object.values(map).some((v) => typeof v !== 'string'))) problem(['metadata', key], `metadata.${key} must map strings to strings`);
    }
  }
  const spec = value['spec'];
  if (!isObject(spec)) {
    problem([], 'spec is required');
    return { spec: null, problems };
  }
  onlyKeys(spec, ['images', 'matchConditions', 'params', 'variables', 'validations', 'validationActions', 'failurePolicy'], ['spec']);

  let images: string[] | null = null;
  const rawImages = list(spec, 'images', ['spec']);
  if (rawImages !== undefined) {
    images = [];
    if (rawImages.length === 0) problem(['spec', 'images'], 'images must not be empty (omit it to match every Image)');
    for (const [i, glob] of rawImages.entries()) {
      if (typeof glob !== 'string') {
        problem(['spec', 'images', i], 'each image glob must be a string');
        continue;
      }
      const bad = imageGlobProblem(glob);
      if (bad !== null) problem(['spec', 'images', i], bad);
      else images.push(glob);
    }
  }

  const matchConditions = namedList(spec, 'matchConditions');
  const variables = namedList(spec, 'variables');

  const validations: ValidationSpec[] = [];
  const rawValidations = list(spec, 'validations', ['spec']);
  if (rawValidations === undefined || rawValidations.length === 0) problem(['spec'], 'spec.validations must list at least one validation');
  for (const [i, item] of (rawValidations ?? []).entries()) {
    const path = ['spec', 'validations', i];
    if (!isObject(item)) {
      problem(path, 'each validation must be a mapping with an expression');
      continue;
    }
    onlyKeys(item, ['expression', 'message', 'messageExpression', 'reason'], path);
    const expr = expression(item, 'expression', path, true);
    const message = str(item, 'message', path, false);
    const messageExpression = expression(item, 'messageExpression', path, false);
    const reason = str(item, 'reason', path, false);
    if (message !== undefined && /[\r\n]/.test(message.trimEnd())) problem([...path, 'message'], 'message must be one line');
    if (reason !== undefined && !REASON.test(reason)) problem([...path, 'reason'], 'reason must be a CamelCase word (letters and digits, at most 64)');
    if (expr === undefined) continue;
    validations.push({
      expression: expr,
      ...(message === undefined ? {} : { message: message.trimEnd() }),
      ...(messageExpression === undefined ? {} : { messageExpression }),
      ...(reason === undefined ? {} : { reason }),
    });
  }

  const actions: ValidationAction[] = [];
  const rawActions = list(spec, 'validationActions', ['spec']);
  if (rawActions === undefined || rawActions.length === 0) problem(['spec'], 'spec.validationActions must list at least one of Deny, Warn, Audit');
  for (const [i, action] of (rawActions ?? []).entries()) {
    if (typeof action !== 'string' || !(ACTIONS as readonly string[]).includes(action)) {
      problem(['spec', 'validationActions', i], 'each validation action must be Deny, Warn or Audit');
    } else if (actions.includes(action as ValidationAction)) {
      problem(['spec', 'validationActions', i], `duplicate validation action ${action}`);
    } else {
      actions.push(action as ValidationAction);
    }
  }
  if (actions.includes('Deny') && actions.includes('Warn')) problem(['spec', 'validationActions'], 'validationActions Deny and Warn are mutually exclusive');

  const failure = spec['failurePolicy'];
  if (failure !== undefined && failure !== 'Fail' && failure !== 'Ignore') problem(['spec', 'failurePolicy'], 'failurePolicy must be Fail or Ignore');
  const params = spec['params'] === undefined ? null : spec['params'];

  // Returned even with problems, so the loader can compile its expressions and report theirs too.
  return {
    spec: { name: name ?? '', images, matchConditions, params, variables, validations, actions, failurePolicy: failure === 'Ignore' ? 'Ignore' : 'Fail' },
    problems,
  };
}
