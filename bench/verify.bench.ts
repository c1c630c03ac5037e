/**
 * `npm run bench`: per algorithm, in one run, so ratios are fair on a noisy machine:
 *   floor        node:crypto.verify of the same signature bytes (what no verifier can beat)
 *   cold         engine.verifyImage with the cache off: the verdicts (what admission reads)
 *   cold+image   the same, also writing the conditions onto a new Image (what audit reads)
 *   openpgp      openpgp.js readMessage + verify (the library baseline)
 *   warm         engine.verifyImage with the cache on (a signature seen before), verdicts only
 * vitest prints each group's ratios ("x times faster than").
 */
import { createHash, verify as cryptoVerify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as openpgp from 'openpgp';
import { bench, describe } from 'vitest';
import { isFailure } from '../src/codes.js';
import { createEngine } from '../src/engine.js';
import { DEFAULT_MESSAGE_LIMITS, parseSignedMessage } from '../src/pgp/message.js';
import { PUBLIC_KEY_ALGORITHM } from '../src/pgp/signature-packet.js';
import { HASH_NAMES } from '../src/pgp/verify.js';
import { loadTrust } from '../src/trust/material.js';

const DIR = 'test/fixtures/pgp/';
const DIGEST = 'sha256:20bf21ed457b390829cdbeec8795a7bea1626991fda603e0d01b4e7f60427e55';
const AT = new Date('2026-01-01T00:00:00Z');
const clock = (): Date => AT;

for (const name of ['rsa2048', 'rsa4096', 'ed25519', 'nistp256']) {
  const blob = readFileSync(`${DIR}signatures/${name}.signature`);
  const armoredKey = readFileSync(`${DIR}keys/${name}.asc`, 'utf8');
  const trust = await loadTrust([{ name, keyrings: [{ data: Buffer.from(armoredKey) }] }]);
  const cold = await createEngine({ trust, clock, cache: false });
  const warm = await createEngine({ trust, clock });
  const image = {
    apiVersion: 'image.openshift.io/v1',
    kind: 'Image',
    metadata: { name: DIGEST },
    dockerImageReference: 'registry.example.com/ns/app:v1',
    signatures: [{ metadata: { name: `${DIGEST}@0123456789abcdef0123456789abcdef` }, type: 'atomic', content: blob.toString('base64') }],
  };
  if (cold.verifyImage(image).signatures[0]?.reason !== 'Verified') throw new Error(`${name}: fixture does not verify`);

  const floor = floorCheck(blob, trust);
  const verificationKeys = await openpgp.readKey({ armoredKey });

  describe(name, () => {
    bench('floor: node:crypto.verify', () => {
      if (!floor()) throw new Error('floor failed');
    });
    bench('imagetrust cold (cache off)', () => {
      cold.verifyImage(image);
    });
    bench('imagetrust cold + conditions', () => {
      if (!cold.verifyImage(image).image) throw new Error('no image');
    });
    bench('openpgp readMessage + verify', async () => {
      const message = await openpgp.readMessage({ binaryMessage: blob });
      const result = await openpgp.verify({ message, verificationKeys, date: AT, expectSigned: true });
      await result.signatures[0]?.verified;
    });
    bench('imagetrust warm (cached)', () => {
      warm.verifyImage(image);
    });
  });
}

/** The exact crypto work for this signature, with everything else precomputed. */
function floorCheck(blob: Buffer, trust: Awaited<ReturnType<typeof loadTrust>>): () => boolean {
  const message = parseSignedMessage(blob, DEFAULT_MESSAGE_LIMITS);
  if (isFailure(message)) throw new Error(message.message);
  const packet = message.signature;
  const key = [...trust.byKeyID.values()].flat().find((k) => packet.issuerKeyIDs.includes(k.key.keyID))?.key.verification;
  if (!key) throw new Error('no key');
  const data = Buffer.concat([message.untrustedPayload, packet.trailer]);
  const hash = HASH_NAMES[packet.hashAlgorithm] ?? 'sha256';
  const pad = (v: Uint8Array | undefined, n: number): Buffer => Buffer.concat([Buffer.alloc(n - (v?.length ?? 0)), v ?? Buffer.alloc(0)]);
  switch (key.algorithm) {
    case PUBLIC_KEY_ALGORITHM.rsa:
    case PUBLIC_KEY_ALGORITHM.rsaSign: {
      const sig = pad(packet.values[0], key.valueBytes);
      return () => cryptoVerify(hash, data, key.keyObject, sig);
    }
    case PUBLIC_KEY_ALGORITHM.ecdsa: {
      const sig = Buffer.concat([pad(packet.values[0], key.valueBytes), pad(packet.values[1], key.valueBytes)]);
      return () => cryptoVerify(hash, data, { key: key.keyObject, dsaEncoding: 'ieee-p1363' }, sig);
    }
    default: {
      const sig = Buffer.concat([pad(packet.values[0], 32), pad(packet.values[1], 32)]);
      return () => cryptoVerify(null, createHash(hash).update(data).digest(), key.keyObject, sig);
    }
  }
}
