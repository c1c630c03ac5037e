/**
 * Packet boundaries of an unstreamed OpenPGP message (old and new headers, no partial lengths),
 * written independently of src/pgp so tests can cut and re-frame messages without trusting it.
 */
export interface Framed {
  readonly tag: number;
  /** Offset of the packet header in the message. */
  readonly start: number;
  /** Offset of the body in the message. */
  readonly bodyStart: number;
  readonly end: number;
}

/** Packet boundaries of an unstreamed message (old and new headers, no partial lengths). */
export function framePackets(data: Buffer): Framed[] {
  const out: Framed[] = [];
  let pos = 0;
  while (pos < data.length) {
    const header = data[pos]!;
    let tag: number;
    let length: number;
    let bodyStart: number;
    if ((header & 0x40) === 0) {
      tag = (header >> 2) & 0x0f;
      const size = [1, 2, 4][header & 3]!;
      length = 0;
      for (let i = 0; i < size; i++) length = length * 256 + data[pos + 1 + i]!;
      bodyStart = pos + 1 + size;
    } else {
      tag = header & 0x3f;
      const first = data[pos + 1]!;
      if (first < 192) [length, bodyStart] = [first, pos + 2];
      else if (first < 224) [length, bodyStart] = [((first - 192) << 8) + data[pos + 2]! + 192, pos + 3];
      else [length, bodyStart] = [data.readUInt32BE(pos + 2), pos + 6];
    }
    out.push({ tag, start: pos, bodyStart, end: bodyStart + length });
    pos = bodyStart + length;
  }
  return out;
}

/** The packets of an unstreamed message, with copies of their bodies. */
export function splitPackets(data: Buffer): { readonly tag: number; readonly body: Buffer }[] {
  return framePackets(data).map((p) => ({ tag: p.tag, body: Buffer.from(data.subarray(p.bodyStart, p.end)) }));
}
