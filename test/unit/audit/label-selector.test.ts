import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/codes.js';
import { parseLabelSelector } from '../../../src/audit/label-selector.js';

describe('label selectors', () => {
  const labels = { app: 'web', tier: 'prod', 'example.com/team': 'a' };
  it.each([
    ['', true],
    ['app=web', true],
    ['app==web', true],
    ['app!=web', false],
    ['app=web,tier=prod', true],
    ['app=web,tier=dev', false],
    ['example.com/team=a', true],
    ['tier in (dev, prod)', true],
    ['tier notin (dev,prod)', false],
    ['missing', false],
    ['!missing', true],
    ['app', true],
    ['missing!=x', true],
    ['missing notin (x)', true],
    ['missing in (x)', false],
  ])('%j matches: %s', (selector, expected) => {
    expect(parseLabelSelector(selector).matches(labels)).toBe(expected);
  });

  it('treats absent or odd labels as none', () => {
    expect(parseLabelSelector('!app').matches(undefined)).toBe(true);
    expect(parseLabelSelector('app').matches({ app: 1 })).toBe(false);
  });

  it.each(['app=web,', '=x', 'a b=c', 'app=we b', 'tier in (a', 'x=' + 'v'.repeat(64)])('refuses %j', (selector) => {
    expect(() => parseLabelSelector(selector)).toThrow(ConfigError);
  });
});
