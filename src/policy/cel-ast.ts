/**
 * Load-time analysis of a checked CEL AST (the node shape of cel-js 8: `op`, `args`, `start`, and
 * `checkedType` after checking): a worst-case cost estimate and validation of literal arguments
 * (regular expressions, globs, identity rules), so mistakes show at load with a position.
 */
import { identityRuleOf } from './functions.js';
import { globProblem } from './glob.js';
import { regexProblem } from './regex.js';

/** The parts of a cel-js AST node this module reads. */
export interface CelNode {
  readonly op: string;
  readonly args: unknown;
  readonly start?: number;
  readonly checkedType?: { readonly name?: unknown };
}

function isNode(value: unknown): value is CelNode {
  return typeof value === 'object' && value !== null && typeof (value as { op?: unknown }).op === 'string';
}

/** Child nodes, in source order: nodes found anywhere in `args` (arrays are flattened). */
function children(node: CelNode): CelNode[] {
  const out: CelNode[] = [];
  const visit = (value: unknown, depth: number): void => {
    if (isNode(value)) out.push(value);
    else if (Array.isArray(value) && depth < 3) for (const item of value) visit(item, depth + 1);
  };
  visit(node.args, 0);
  return out;
}

const COMPREHENSIONS = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);

/** For `receiver.all(x, …)`-style macros: the receiver and the argument nodes; else null. */
function comprehension(node: CelNode): { receiver: CelNode; body: CelNode[] } | null {
  if (node.op !== 'rcall' || !Array.isArray(node.args)) return null;
  const [name, receiver, args] = node.args as unknown[];
  if (typeof name !== 'string' || !COMPREHENSIONS.has(name) || !isNode(receiver) || !Array.isArray(args)) return null;
  if (args.length < 2 || !isNode(args[0]) || args[0].op !== 'id') return null;
  return { receiver, body: args.slice(1).filter(isNode) };
}

/**
 * Worst-case evaluation steps: one per node, and a comprehension's body once per element of the
 * list it iterates, whose size is `bound(checked type name of the list)`. Never throws.
 */
export function estimateCost(root: CelNode, bound: (typeName: string) => number): number {
  const cost = (node: CelNode, depth: number): number => {
    // The AST is bounded (maxAstNodes), so this recursion is too.
    if (depth > 10_000) return Infinity;
    const loop = comprehension(node);
    if (loop !== null) {
      const type = loop.receiver.checkedType?.name;
      // A list or map literal's size is known; anything else gets the bound of its type.
      const literal = (loop.receiver.op === 'list' || loop.receiver.op === 'map') && Array.isArray(loop.receiver.args) ? loop.receiver.args.length : undefined;
      const size = literal ?? bound(typeof type === 'string' ? type : 'dyn');
      const body = loop.body.reduce((sum, child) => sum + cost(child, depth + 1), 1);
      return 1 + cost(loop.receiver, depth + 1) + size * body;
    }
    return children(node).reduce((sum, child) => sum + cost(child, depth + 1), 1);
  };
  return cost(root, 0);
}

function stringLiteral(node: unknown): string | undefined {
  return isNode(node) && node.op === 'value' && typeof node.args === 'string' ? node.args : undefined;
}

/** Call arguments of `name(...)` or `x.name(...)` (receiver first for method calls); else null. */
function callArguments(node: CelNode): { name: string; args: unknown[] } | null {
  if (!Array.isArray(node.args)) return null;
  const parts = node.args as unknown[];
  if (node.op === 'call' && typeof parts[0] === 'string' && Array.isArray(parts[1])) return { name: parts[0], args: parts[1] as unknown[] };
  if (node.op === 'rcall' && typeof parts[0] === 'string' && Array.isArray(parts[2])) return { name: parts[0], args: [parts[1], ...(parts[2] as unknown[])] };
  return null;
}

/** Literal arguments that are validated at load: function name → argument index → check. */
const LITERAL_CHECKS: Readonly<Record<string, { index: number; problem: (value: string) => string | null }>> = {
  matches: { index: 1, problem: regexProblem },
  globMatch: { index: 1, problem: globProblem },
  identityMatches: { index: 2, problem: (rule) => {
    const parsed = identityRuleOf(rule);
    return typeof parsed === 'string' ? parsed : null;
  } },
};

/** The first invalid literal regex, glob or identity rule, with its offset; null when none. Never throws. */
export function literalProblem(root: CelNode): { offset: number; message: string } | null {
  const stack: CelNode[] = [root];
  let seen = 0;
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (++seen > 100_000) return null;
    const call = callArguments(node);
    const check = call === null ? undefined : LITERAL_CHECKS[call.name];
    if (call !== null && check !== undefined) {
      const arg = call.args[check.index];
      const literal = stringLiteral(arg);
      const problem = literal === undefined ? null : check.problem(literal);
      if (problem !== null) return { offset: (arg as CelNode).start ?? node.start ?? 0, message: `${call.name}: ${problem}` };
    }
    stack.push(...children(node).reverse());
  }
  return null;
}

/** Names of every identifier the expression reads (variables and comprehension variables alike). Never throws. */
export function identifiers(root: CelNode): Set<string> {
  const names = new Set<string>();
  const stack: CelNode[] = [root];
  let seen = 0;
  for (let node = stack.pop(); node !== undefined && ++seen <= 100_000; node = stack.pop()) {
    if (node.op === 'id' && typeof node.args === 'string') names.add(node.args);
    stack.push(...children(node));
  }
  return names;
}
