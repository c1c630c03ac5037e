// Pins the public API: adding or removing an export is a reviewed change (update this list).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as api from '../src/index.js';
import { REASON_CODES } from '../src/codes.js';

describe('public API', () => {
  it('exports exactly these values', () => {
    expect(Object.keys(api).sort()).toEqual([
      'ADMISSION_REASONS',
      'CONDITION_TYPES',
      'ConfigError',
      'IDENTITY_RULE_TYPES',
      'PolicyLoadError',
      'REASON_CODES',
      'WEAK_ALGORITHMS',
      'applyVerdicts',
      'compilePolicyTexts',
      'createAdmissionController',
      'createEngine',
      'evaluatePolicies',
      'isReasonCode',
      'loadTrust',
      'matchIdentity',
      'parseIdentityRule',
      'parseReference',
      'readImageDocuments',
      'readPolicySources',
      'readTrustSources',
    ]);
  });

  it('the package root resolves to the built entry point', async () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { exports: Record<string, { default: string }>; bin: Record<string, string> };
    expect(pkg.exports['.']?.default).toBe('./dist/index.js');
    expect(pkg.bin['imagetrust']).toBe('./dist/bin.js');
    const built = (await import('../dist/index.js')) as Record<string, unknown>;
    expect(Object.keys(built).sort()).toEqual(Object.keys(api).sort());
  });

  it('createEngine defaults the clock and rejects bad configuration with ConfigError', async () => {
    await expect(api.createEngine({ trust: [] })).rejects.toBeInstanceOf(api.ConfigError);
    await expect(api.createEngine({ trust: [{ name: 'x', keyrings: [{ data: new TextEncoder().encode('This is invalid') }] }] })).rejects.toMatchObject({ code: 'ConfigError' });
  });
});

describe('README', () => {
  const readme = readFileSync('README.md', 'utf8');
  it.each(REASON_CODES)('documents reason code %s', (code) => {
    expect(readme).toContain(`| \`${code}\` |`);
  });
  it('shows the two set-up commands', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm test');
  });
});
