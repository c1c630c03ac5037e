/**
 * The audit report model (contract section 9): one `AuditItem` per Image, a summary with counts by
 * verdict, decision and reason, the signer inventory, and input or write errors. Plain data; the
 * JSON field names are part of the contract. Absent facts are omitted, never faked.
 */
import type { ReportSignature } from '../report-signature.js';
import type { Verdict } from '../types.js';

export const AUDIT_API_VERSION = 'imagetrust.io/v1alpha1';

/** One signature as the audit reports it: the same shape as `verify -o json` reports. */
export type AuditSignature = ReportSignature;

/** One Image's outcome: one line of `-o ndjson`. */
export interface AuditItem {
  /** `metadata.name`: the manifest digest. */
  readonly image: string;
  readonly dockerImageReference?: string;
  /** The file (and JSON path) for file input; `cluster` for the Image API. */
  readonly source: string;
  /** `metadata.resourceVersion` as read (cluster input). */
  readonly resourceVersion?: string;
  readonly verdict: Verdict;
  /** With policies only: the decision, its reason code and message, and Warn messages. */
  readonly decision?: 'Allowed' | 'Denied';
  readonly reason?: string;
  readonly message?: string;
  readonly warnings?: readonly string[];
  /** With policies only: one result per policy, applied or not. */
  readonly policies?: readonly AuditPolicyResult[];
  readonly signatures: readonly AuditSignature[];
  /** Whether the signature conditions stored on the Image were out of date (anything but `lastProbeTime`). */
  readonly changed: boolean;
  /** With `--write-conditions` only: the Image was written (with `--dry-run`: the server accepted the dry run). */
  readonly written?: boolean;
  /** With `--write-conditions` only: why the write failed. */
  readonly writeError?: string;
}

/** One policy's result for one Image. */
export interface AuditPolicyResult {
  /** The policy's `metadata.name`. */
  readonly name: string;
  readonly actions: readonly string[];
  /** The policy's `images` and `matchConditions` selected the Image. */
  readonly applied: boolean;
  readonly passed: boolean;
  readonly reason?: string;
  readonly message?: string;
}

/** An input error (file input) or a write failure; the run goes on and exits 2. */
export interface AuditError {
  readonly source: string;
  readonly path: string;
  readonly message: string;
}

/** One key (or certificate) that signed something, trusted or not. */
export interface SignerEntry {
  /** Primary key fingerprint, when the signature verified with a key of a trust root. */
  readonly fingerprint?: string;
  /** The key IDs that made signatures (a subkey's for subkey signatures; claimed IDs for unknown keys). */
  readonly keyIDs: readonly string[];
  /** The key is in a trust root (false: `UnknownKey`, a key to onboard or to investigate). */
  readonly known: boolean;
  readonly trustRoot?: string;
  readonly commonName?: string;
  readonly organization?: string;
  readonly email?: string;
  /** Signatures by this key, Images carrying at least one, and how many of the signatures were `Verified`. */
  readonly signatures: number;
  readonly images: number;
  readonly verified: number;
  /** Signatures by reason code. */
  readonly reasons: Readonly<Record<string, number>>;
}

/** Counts over the Images of a run (or of merged runs). */
export interface AuditSummary {
  readonly images: number;
  readonly signatures: number;
  readonly verdicts: Readonly<Record<Verdict, number>>;
  /** With policies only. */
  readonly decisions?: Readonly<Record<'Allowed' | 'Denied', number>>;
  /** Signatures by reason code. */
  readonly reasons: Readonly<Record<string, number>>;
  /** With policies only: denied Images by the decision's reason. */
  readonly policyReasons?: Readonly<Record<string, number>>;
  /** Images whose stored conditions were out of date. */
  readonly changed: number;
  /** With `--write-conditions`: Images written, writes that failed, and 409 conflicts met on the way. */
  readonly written: number;
  readonly writeFailures: number;
  readonly conflicts: number;
  /** Input and write errors. */
  readonly errors: number;
  /** Signers left out of the inventory because it reached its bound. */
  readonly signersOmitted: number;
}

/** What a run was: the report's header, also the checkpoint's identity of a run. */
export interface AuditRunInfo {
  readonly evaluationTime: string;
  /** `files`, or the API server URL. */
  readonly source: string;
  readonly selector?: string;
  /** `K/N` with `--shard`. */
  readonly shard?: string;
  readonly identityRule: string;
  readonly expectedIdentity?: string;
  readonly policyRevision?: string;
  readonly unmatched?: 'allow' | 'deny';
  readonly writeConditions: boolean;
  readonly dryRun: boolean;
}

/** One shard's part of a merged report. */
export interface ShardInfo {
  readonly shard: string;
  readonly evaluationTime: string;
  readonly images: number;
  readonly consistentSnapshot: boolean;
}

/** `-o json`: the whole report. */
export interface AuditReport extends AuditRunInfo {
  readonly apiVersion: typeof AUDIT_API_VERSION;
  readonly kind: 'AuditReport';
  /** False when a `410 ResourceExpired` made the list continue from a newer snapshot. */
  readonly consistentSnapshot: boolean;
  /** After `report merge`: the shard reports it joined. */
  readonly shards?: readonly ShardInfo[];
  readonly summary: AuditSummary;
  readonly signers: readonly SignerEntry[];
  readonly items: readonly AuditItem[];
  readonly errors: readonly AuditError[];
}

/** The report without its items: what renderers need before the per-Image rows. */
export type AuditReportHead = Omit<AuditReport, 'items'>;

/** Whether an item passes: Allowed under policies, else Trusted. */
export function itemPasses(item: AuditItem): boolean {
  return item.decision !== undefined ? item.decision === 'Allowed' : item.verdict === 'Trusted';
}
