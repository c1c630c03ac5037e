/** `--expected-identity` and `--identity-rule`, shared by every command that verifies. Throw ConfigError. */
import { ConfigError } from '../codes.js';
import { isNameOnly, isReferenceProblem, parseReference } from '../identity/reference.js';
import { IDENTITY_RULE_TYPES, parseIdentityRule, type IdentityRule } from '../identity/rules.js';

/** As `oc adm verify-image-signature` does: a name-only identity means its `latest` tag. */
export function normalizeExpectedIdentity(value: string): string {
  const ref = parseReference(value);
  if (isReferenceProblem(ref)) throw new ConfigError(`--expected-identity ${JSON.stringify(value)} is not a valid image reference: ${ref.problem}`);
  return isNameOnly(ref) ? `${ref.canonical}:latest` : ref.canonical;
}

/** A rule name, or its policy.json JSON form. */
export function parseIdentityRuleOption(value: string): IdentityRule {
  let rule: unknown = value;
  if (value.trimStart().startsWith('{')) {
    try {
      rule = JSON.parse(value) as unknown;
    } catch {
      throw new ConfigError(`--identity-rule is neither a rule name nor valid JSON: ${value}`);
    }
  }
  try {
    return parseIdentityRule(rule);
  } catch (error) {
    throw new ConfigError(`--identity-rule: ${(error as Error).message} (rules: ${IDENTITY_RULE_TYPES.join(', ')})`);
  }
}
