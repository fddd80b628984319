/**
 * Where `/metrics` text comes from: the app's own registry in a single process (a prom-client `Registry`
 * is one), or, in a cluster worker, the sum over every worker that the primary computes.
 */
export interface MetricsSource {
  readonly contentType: string;
  metrics(): Promise<string>;
}
