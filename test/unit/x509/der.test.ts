/** The strict DER reader (src/x509/der.ts) and writer (src/x509/der-write.ts). */
import { describe, expect, it } from 'vitest';
import { childrenOf, DerError, oid, readNode, readWhole, smallInteger, time } from '../../../src/x509/der.js';
import { derOid, derSmallInteger, derTime, tlv } from '../../../src/x509/der-write.js';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

describe('readNode / readWhole', () => {
  it('reads short and long definite lengths', () => {
    expect(readWhole(bytes(0x04, 0x02, 0xaa, 0xbb)).content).toEqual(bytes(0xaa, 0xbb));
    const long = tlv(0x04, new Uint8Array(300));
    expect(long.subarray(0, 4)).toEqual(bytes(0x04, 0x82, 0x01, 0x2c));
    expect(readWhole(long).content.length).toBe(300);
  });

  it.each([
    ['an indefinite length', bytes(0x30, 0x80, 0x00, 0x00)],
    ['a long form for a short length', bytes(0x04, 0x81, 0x01, 0xaa)],
    ['a length with a leading zero byte', bytes(0x04, 0x82, 0x00, 0x81, ...new Uint8Array(0x81))],
    ['a high tag number', bytes(0x1f, 0x81, 0x01, 0x00)],
    ['a length past the end', bytes(0x04, 0x05, 0xaa)],
    ['a truncated header', bytes(0x04)],
    ['a five-byte length', bytes(0x04, 0x85, 1, 0, 0, 0, 0)],
  ])('refuses %s', (_what, input) => {
    expect(() => readWhole(input)).toThrow(DerError);
  });

  it('refuses trailing bytes only in readWhole', () => {
    expect(readNode(bytes(0x05, 0x00, 0xff)).bytes).toEqual(bytes(0x05, 0x00));
    expect(() => readWhole(bytes(0x05, 0x00, 0xff))).toThrow(DerError);
  });

  it('splits constructed content and refuses children of primitive elements', () => {
    const seq = tlv(0x30, bytes(0x05, 0x00), derSmallInteger(7));
    expect(childrenOf(readWhole(seq)).map((n) => n.tag)).toEqual([0x05, 0x02]);
    expect(() => childrenOf(readWhole(bytes(0x04, 0x02, 0x05, 0x00)))).toThrow(DerError);
  });
});

describe('values', () => {
  it('decodes and encodes object identifiers', () => {
    for (const value of ['1.2.840.113549.1.7.2', '2.16.840.1.101.3.4.2.1', '1.3.101.112', '2.999.3', '0.9.2342.19200300.100.1.25']) {
      expect(oid(readWhole(derOid(value)), 'oid')).toBe(value);
    }
    expect(() => oid(readWhole(bytes(0x06, 0x02, 0x80, 0x01)), 'oid')).toThrow(DerError);
    expect(() => oid(readWhole(bytes(0x06, 0x01, 0x81)), 'oid')).toThrow(DerError);
    expect(() => oid(readWhole(bytes(0x06, 0x00)), 'oid')).toThrow(DerError);
  });

  it('reads small integers only in minimal form', () => {
    expect(smallInteger(readWhole(derSmallInteger(3)), 'n')).toBe(3);
    expect(smallInteger(readWhole(bytes(0x02, 0x02, 0x00, 0x80)), 'n')).toBe(128);
    expect(() => smallInteger(readWhole(bytes(0x02, 0x02, 0x00, 0x01)), 'n')).toThrow(DerError);
    expect(() => smallInteger(readWhole(bytes(0x02, 0x01, 0xff)), 'n')).toThrow(DerError);
    expect(() => smallInteger(readWhole(bytes(0x02, 0x00)), 'n')).toThrow(DerError);
  });

  it('reads UTCTime and GeneralizedTime in their DER forms', () => {
    const at = (text: string, tag = 0x17): number => time(readWhole(tlv(tag, Buffer.from(text, 'latin1'))), 't');
    expect(at('250601000000Z')).toBe(Date.UTC(2025, 5, 1) / 1000);
    expect(at('500101000000Z')).toBe(Date.UTC(1950, 0, 1) / 1000);
    expect(at('20500101000000Z', 0x18)).toBe(Date.UTC(2050, 0, 1) / 1000);
    expect(at('20250601000000.5Z', 0x18)).toBe(Date.UTC(2025, 5, 1) / 1000);
    for (const bad of ['2506010000Z', '250601000000', '250230000000Z', '250601240000Z', '250601000000+0100']) expect(() => at(bad)).toThrow(DerError);
    expect(() => at('20250601000000.50Z', 0x18)).toThrow(DerError);
    expect(() => at('250601000000Z', 0x04)).toThrow(DerError);
  });

  it('writes UTCTime up to 2049 and GeneralizedTime from 2050', () => {
    expect(derTime(new Date('2049-12-31T23:59:59Z'))[0]).toBe(0x17);
    expect(derTime(new Date('2050-01-01T00:00:00Z'))[0]).toBe(0x18);
    expect(time(readWhole(derTime(new Date('2061-03-04T05:06:07Z'))), 't')).toBe(Date.UTC(2061, 2, 4, 5, 6, 7) / 1000);
  });
});
