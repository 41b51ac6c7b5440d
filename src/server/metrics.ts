import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  launches: Counter<'partner' | 'decision' | 'reason'>;
  launchSeconds: Histogram<'partner'>;
  storeErrors: Counter<'operation'>;
}

/** One registry per app, so tests can build several apps in one process. */
export function createMetrics(options: { defaultMetrics: boolean }): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'launchgate_' });
  return {
    registry,
    launches: new Counter({
      name: 'launchgate_launches_total',
      help: 'Launches by partner, decision and reason.',
      labelNames: ['partner', 'decision', 'reason'],
      registers: [registry],
    }),
    launchSeconds: new Histogram({
      name: 'launchgate_launch_duration_seconds',
      help: 'Time from a validated launch to the decision being recorded.',
      labelNames: ['partner'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    storeErrors: new Counter({
      name: 'launchgate_store_errors_total',
      help: 'Store operations that failed.',
      labelNames: ['operation'],
      registers: [registry],
    }),
  };
}
