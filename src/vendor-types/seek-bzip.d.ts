// seek-bzip ships no types: only the entry point imagetrust uses is declared.
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
  const seekBzip: { decode(input: ByteSource, output: ByteSink, multistream?: boolean): unknown };
  export default seekBzip;
}
