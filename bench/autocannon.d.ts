// The little of autocannon 9 the admission bench uses (the package ships no types).
declare module 'autocannon' {
  interface Histogram {
    readonly average: number;
    readonly p50: number;
    readonly p99: number;
    readonly total: number;
  }
  interface Options {
    readonly url: string;
    readonly method?: string;
    readonly headers?: Record<string, string>;
    readonly body?: string;
    readonly connections?: number;
    readonly duration?: number;
    readonly amount?: number;
    readonly overallRate?: number;
    readonly servername?: string;
    readonly tlsOptions?: Record<string, unknown>;
  }
  interface Result {
    readonly requests: Histogram;
    readonly latency: Histogram;
    readonly '2xx': number;
    readonly errors: number;
  }
  function autocannon(options: Options): Promise<Result>;
  export default autocannon;
}
