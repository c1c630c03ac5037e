/**
 * Counts and the signer inventory, accumulated one Image at a time in bounded memory: the counters
 * are fixed in number, and the inventory holds at most `maxSigners` keys (the rest are counted in
 * `signersOmitted`). Pure: no I/O.
 */
import type { AuditItem, AuditSignature, AuditSummary, SignerEntry } from './model.js';

/** Default bound on the signer inventory. */
export const MAX_SIGNERS = 10_000;

interface MutableSigner {
  fingerprint?: string;
  keyIDs: string[];
  known: boolean;
  trustRoot?: string;
  commonName?: string;
  organization?: string;
  email?: string;
  signatures: number;
  images: number;
  verified: number;
  reasons: Record<string, number>;
}

/** Accumulates an `AuditSummary` and the signer inventory. */
export class SummaryBuilder {
  private images = 0;
  private signatures = 0;
  private readonly verdicts = { Trusted: 0, Untrusted: 0, Unsigned: 0 };
  private decisions: { Allowed: number; Denied: number } | undefined;
  private readonly reasons: Record<string, number> = {};
  private policyReasons: Record<string, number> | undefined;
  private changed = 0;
  private written = 0;
  private writeFailures = 0;
  private conflicts = 0;
  private errors = 0;
  private signersOmitted = 0;
  private readonly signers = new Map<string, MutableSigner>();

  constructor(private readonly maxSigners = MAX_SIGNERS) {}

  /** Continues from a saved summary and inventory (a checkpoint, or another shard's report). */
  static from(summary: AuditSummary, signers: readonly SignerEntry[], maxSigners = MAX_SIGNERS): SummaryBuilder {
    const builder = new SummaryBuilder(maxSigners);
    builder.merge(summary, signers);
    return builder;
  }

  /** Adds another summary and inventory (for `report merge` and resume). */
  merge(summary: AuditSummary, signers: readonly SignerEntry[]): void {
    this.images += summary.images;
    this.signatures += summary.signatures;
    for (const verdict of ['Trusted', 'Untrusted', 'Unsigned'] as const) this.verdicts[verdict] += summary.verdicts[verdict];
    if (summary.decisions) {
      this.decisions ??= { Allowed: 0, Denied: 0 };
      this.decisions.Allowed += summary.decisions.Allowed;
      this.decisions.Denied += summary.decisions.Denied;
    }
    addCounts(this.reasons, summary.reasons);
    if (summary.policyReasons) addCounts((this.policyReasons ??= {}), summary.policyReasons);
    this.changed += summary.changed;
    this.written += summary.written;
    this.writeFailures += summary.writeFailures;
    this.conflicts += summary.conflicts;
    this.errors += summary.errors;
    this.signersOmitted += summary.signersOmitted;
    for (const entry of signers) {
      const signer = this.signer(signerKey(entry.fingerprint, entry.keyIDs[0] ?? ''), () => ({ ...copyIdentity(entry), keyIDs: [], known: entry.known }), entry.signatures);
      if (!signer) continue;
      for (const id of entry.keyIDs) if (!signer.keyIDs.includes(id)) signer.keyIDs.push(id);
      signer.known ||= entry.known;
      signer.signatures += entry.signatures;
      signer.images += entry.images;
      signer.verified += entry.verified;
      addCounts(signer.reasons, entry.reasons);
    }
  }

  /** Counts one Image. */
  add(item: AuditItem): void {
    this.images++;
    this.verdicts[item.verdict]++;
    if (item.decision !== undefined) {
      this.decisions ??= { Allowed: 0, Denied: 0 };
      this.decisions[item.decision]++;
      if (item.decision === 'Denied') {
        const reasons = (this.policyReasons ??= {});
        const reason = item.reason ?? 'Denied';
        reasons[reason] = (reasons[reason] ?? 0) + 1;
      }
    }
    if (item.changed) this.changed++;
    if (item.written === true) this.written++;
    if (item.writeError !== undefined) this.writeFailures++;
    const seen = new Set<MutableSigner>();
    for (const sig of item.signatures) {
      this.signatures++;
      this.reasons[sig.reason] = (this.reasons[sig.reason] ?? 0) + 1;
      const signer = this.signerOf(sig);
      if (!signer) continue;
      signer.signatures++;
      if (sig.reason === 'Verified') signer.verified++;
      signer.reasons[sig.reason] = (signer.reasons[sig.reason] ?? 0) + 1;
      if (sig.keyID !== undefined && !signer.keyIDs.includes(sig.keyID) && signer.keyIDs.length < 16) signer.keyIDs.push(sig.keyID);
      if (!seen.has(signer)) {
        seen.add(signer);
        signer.images++;
      }
    }
  }

  /** Counts 409 conflicts met while writing. */
  addConflicts(count: number): void {
    this.conflicts += count;
  }

  /** Counts input and write errors. */
  addErrors(count: number): void {
    this.errors += count;
  }

  /** The summary so far. */
  summary(): AuditSummary {
    return {
      images: this.images,
      signatures: this.signatures,
      verdicts: { ...this.verdicts },
      ...(this.decisions ? { decisions: { ...this.decisions } } : {}),
      reasons: sortedCounts(this.reasons),
      ...(this.policyReasons ? { policyReasons: sortedCounts(this.policyReasons) } : {}),
      changed: this.changed,
      written: this.written,
      writeFailures: this.writeFailures,
      conflicts: this.conflicts,
      errors: this.errors,
      signersOmitted: this.signersOmitted,
    };
  }

  /** The inventory: trusted-root keys first, then unknown keys; most signatures first, then by ID. */
  inventory(): SignerEntry[] {
    const entries = [...this.signers.values()].map((s): SignerEntry => ({
      ...copyIdentity(s),
      keyIDs: [...s.keyIDs].sort(),
      known: s.known,
      signatures: s.signatures,
      images: s.images,
      verified: s.verified,
      reasons: sortedCounts(s.reasons),
    }));
    return entries.sort((a, b) => Number(b.known) - Number(a.known) || b.signatures - a.signatures
      || compare(a.fingerprint ?? a.keyIDs[0] ?? '', b.fingerprint ?? b.keyIDs[0] ?? ''));
  }

  private signerOf(sig: AuditSignature): MutableSigner | undefined {
    if (sig.fingerprint === undefined && sig.keyID === undefined) return undefined;
    const key = signerKey(sig.fingerprint, sig.keyID ?? '');
    return this.signer(key, () => ({
      ...(sig.fingerprint !== undefined ? { fingerprint: sig.fingerprint } : {}),
      ...(sig.trustRoot !== undefined ? { trustRoot: sig.trustRoot } : {}),
      ...(sig.signer?.commonName !== undefined ? { commonName: sig.signer.commonName } : {}),
      ...(sig.signer?.organization !== undefined ? { organization: sig.signer.organization } : {}),
      ...(sig.signer?.email !== undefined ? { email: sig.signer.email } : {}),
      keyIDs: [],
      // A key ID without a verified signer is a key of a trust root unless the reason says it is unknown.
      known: sig.fingerprint !== undefined || sig.reason !== 'UnknownKey',
    }), 1);
  }

  private signer(key: string, create: () => Omit<MutableSigner, 'signatures' | 'images' | 'verified' | 'reasons'>, weight: number): MutableSigner | undefined {
    const found = this.signers.get(key);
    if (found) return found;
    if (this.signers.size >= this.maxSigners) {
      this.signersOmitted += weight > 0 ? 1 : 0;
      return undefined;
    }
    const created: MutableSigner = { ...create(), signatures: 0, images: 0, verified: 0, reasons: {} };
    this.signers.set(key, created);
    return created;
  }
}

function signerKey(fingerprint: string | undefined, keyID: string): string {
  return fingerprint !== undefined ? `fpr:${fingerprint}` : `kid:${keyID}`;
}

type SignerIdentity = Partial<Pick<SignerEntry, 'fingerprint' | 'trustRoot' | 'commonName' | 'organization' | 'email'>>;

function copyIdentity(s: SignerIdentity): SignerIdentity {
  return {
    ...(s.fingerprint !== undefined ? { fingerprint: s.fingerprint } : {}),
    ...(s.trustRoot !== undefined ? { trustRoot: s.trustRoot } : {}),
    ...(s.commonName !== undefined ? { commonName: s.commonName } : {}),
    ...(s.organization !== undefined ? { organization: s.organization } : {}),
    ...(s.email !== undefined ? { email: s.email } : {}),
  };
}

function addCounts(into: Record<string, number>, from: Readonly<Record<string, number>>): void {
  for (const [key, value] of Object.entries(from)) into[key] = (into[key] ?? 0) + value;
}

/** Counts with the largest first, ties by name: stable output. */
function sortedCounts(counts: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(counts).sort((a, b) => b[1] - a[1] || compare(a[0], b[0]))) out[key] = value;
  return out;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
