/**
 * A LaunchGate for the OAuth tests: the shared harness with these tests' partners, optionally on
 * another instance's SQLite file and secret, or with a logger whose output the test reads.
 */
import type { DestinationStream } from 'pino';
import type { Config } from '../../src/server/config';
import type { PartnerModule } from '../../src/server/partner-module';
import type { Store } from '../../src/store/port';
import { startHarness } from '../support/harness';

export interface Instance {
  baseUrl: string;
  store: Store;
  close(): Promise<void>;
}

export async function startInstance(options: {
  env: Record<string, string>;
  partners: (config: Config) => PartnerModule[];
  /** An existing file and the secret its keys were sealed with; a fresh file when absent. */
  sqliteFile?: string;
  secret?: string;
  logDestination?: DestinationStream;
}): Promise<Instance> {
  const h = await startHarness({
    env: options.env,
    partners: ({ config }) => options.partners(config),
    sqliteFile: options.sqliteFile,
    secret: options.secret,
    logDestination: options.logDestination,
  });
  return { baseUrl: h.baseUrl, store: h.store, close: () => h.close() };
}
