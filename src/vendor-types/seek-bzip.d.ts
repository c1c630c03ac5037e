// seek-bzip ships no types. imagetrust drives its block decoder directly (pinned version 2.0.0),
// so only those members are declared.
declare module 'seek-bzip' {
  interface ByteSource {
    readByte(): number;
    read(into: Uint8Array, offset: number, count: number): number;
    seek(pos: number): void;
    eof(): boolean;
  }
  interface ByteSink {
    writeByte(byte: number): void;
  }
  class Bunzip {
    constructor(input: ByteSource, output: ByteSink);
    readonly streamCRC: number;
    readonly reader: { read(bits: number): number };
    _init_block(): boolean;
    _read_bunzip(): unknown;
  }
  export default Bunzip;
}
