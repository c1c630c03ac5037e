/**
 * `variables` of one policy for one Image: each variable is evaluated at most once, and only when an
 * expression reads it. A CEL message type whose fields are the policy's variables (registered by
 * `load.ts` with this class as its constructor); cel-js reads its fields through `get`.
 */
import type { CelOutcome, CelProgram } from './cel.js';

export class LazyVariables extends Map<string, unknown> {
  readonly #programs: ReadonlyMap<string, CelProgram>;
  readonly #outcomes = new Map<string, CelOutcome>();
  #activation: Readonly<Record<string, unknown>> = {};

  constructor(programs: ReadonlyMap<string, CelProgram>) {
    super();
    this.#programs = programs;
  }

  /** The activation the variables are evaluated over (it holds this object as `variables`). */
  bind(activation: Readonly<Record<string, unknown>>): void {
    this.#activation = activation;
  }

  /** The variable's value; throws an Error (a CEL runtime error for the reader) when it failed. */
  override get(name: string): unknown {
    let outcome = this.#outcomes.get(name);
    if (outcome === undefined) {
      const program = this.#programs.get(name);
      if (program === undefined) return undefined;
      // Marked first, so a (type-checker-impossible) self reference fails instead of recursing.
      this.#outcomes.set(name, { ok: false, error: `variable ${name} refers to itself` });
      outcome = program.evaluate(this.#activation);
      this.#outcomes.set(name, outcome);
    }
    if (!outcome.ok) throw new Error(`variables.${name}: ${outcome.error}`);
    return outcome.value;
  }
}
