/**
 * Plain data of the policy engine (contract section 8): what a policy decided about one Image, and
 * the bounds the loader and evaluator apply. No logic.
 */

/** What a failing policy does: `Deny` denies the Image, `Warn` adds a warning, `Audit` is only reported. */
export type ValidationAction = 'Deny' | 'Warn' | 'Audit';

/** One policy's outcome for one Image. */
export interface PolicyResult {
  /** The policy's `metadata.name`. */
  readonly policy: string;
  readonly actions: readonly ValidationAction[];
  /** The `images` globs and every `matchConditions` expression matched. */
  readonly applied: boolean;
  /** Every validation was true (false when not applied). Under `failurePolicy: Ignore` a runtime error counts as passed. */
  readonly passed: boolean;
  /** The failing validation's `reason` (default `Invalid`), or `PolicyError` for a runtime error. */
  readonly reason?: string;
  /** The failing validation's message, or the runtime error: one line, capped. */
  readonly message?: string;
}

/** The decision for one Image over a policy set. */
export interface PolicyDecision {
  readonly decision: 'Allowed' | 'Denied';
  /**
   * `Allowed` when allowed; otherwise the first failing Deny policy's reason (`PolicyError` for a
   * runtime error under `failurePolicy: Fail`), `NoApplicablePolicy`, `TooLarge` (more signatures
   * or a larger Image than the evaluator takes) or `Indeterminate` (the input is not an Image).
   */
  readonly reason: string;
  /** One line: the failing Deny policies as `<policy>: <message>`, first failing first. */
  readonly message: string;
  /** `<policy>: <message>` for each failing Warn policy, in policy order. */
  readonly warnings: readonly string[];
  /** One result per policy of the set, in set order. */
  readonly results: readonly PolicyResult[];
}

/** Bounds applied when policies load (and, for list sizes, when Images are evaluated). */
export interface PolicyLimits {
  /** Characters per CEL expression; default 5,000. */
  readonly maxExpressionLength?: number;
  /** AST nodes per CEL expression; default 2,000. */
  readonly maxAstNodes?: number;
  /** Nesting depth per CEL expression; default 50. */
  readonly maxDepth?: number;
  /**
   * Estimated worst-case cost per expression (one unit per AST node visit, comprehensions
   * multiplied by the bound of the list they iterate); default 10,000,000.
   */
  readonly maxCost?: number;
  /** Signatures per Image assumed by the cost estimate; default 64 (see `PolicyContext.maxSignatures`). */
  readonly maxSignatures?: number;
  /** Elements of any other list or map (in `image`, `params`, `request`) assumed by the cost estimate and enforced on `image` and `request`; default 4,096. */
  readonly maxListLength?: number;
  /** `matchConditions`, `variables` and `validations` per policy (each); default 64. */
  readonly maxExpressionsPerList?: number;
}

/** A load problem: where, and what. `line` and `col` are 1-based (0 when unknown). */
export interface PolicyProblem {
  readonly source: string;
  readonly line: number;
  readonly col: number;
  readonly message: string;
}
