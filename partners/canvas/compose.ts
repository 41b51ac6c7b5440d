/**
 * Wiring for src/server/partners.ts: the Canvas adapter's narrow CanvasRegistry implemented over
 * the store, and ltijs's storage placed beside LaunchGate's own (the same SQLite file, or the
 * MongoDB deployment). The only Canvas module that knows the store and the config.
 */
import path from 'node:path';
import { issueClaimCode } from '../../src/admin/services/claim-codes';
import type { Config } from '../../src/server/config';
import type { CanvasSettings, Connection } from '../../src/store/model';
import { SQLITE_FILE_NAME } from '../../src/store/open';
import type { Store } from '../../src/store/port';
import { canvasPartner, type CanvasDeps, type CanvasPartnerModule } from './index';
import type { CanvasRegistration, CanvasRegistry } from './registry';
import type { LtijsStorage } from './ltijs/runtime';

function registrationOf(connection: Connection): CanvasRegistration | null {
  const settings = connection.settings;
  if (settings.partner !== 'canvas') return null;
  return {
    id: connection.id,
    linked: connection.status === 'linked' && connection.directoryId !== null,
    issuer: settings.issuer,
    clientId: settings.clientId,
    deploymentIds: settings.deploymentIds,
    authEndpoint: settings.authEndpoint,
    tokenEndpoint: settings.tokenEndpoint,
    jwksUrl: settings.jwksUrl,
  };
}

export function storeCanvasRegistry(store: Store, now: () => Date = () => new Date()): CanvasRegistry {
  return {
    async findRegistrations(issuer, clientId) {
      const connections = await store.findCanvasConnections(issuer, clientId);
      return connections.map(registrationOf).filter((r): r is CanvasRegistration => r !== null);
    },
    async registerPending(input) {
      const [existing] = await store.findCanvasConnections(input.issuer, input.clientId);
      if (existing) {
        // Registered again while still pending: a new code (the first may be lost); once linked, none.
        const claimCode = existing.status === 'pending' ? await issueClaimCode(store.ephemeral, existing.id, now()) : null;
        return { id: existing.id, created: false, claimCode };
      }
      const settings: CanvasSettings = {
        partner: 'canvas',
        issuer: input.issuer,
        clientId: input.clientId,
        deploymentIds: input.deploymentIds,
        authEndpoint: input.authEndpoint,
        tokenEndpoint: input.tokenEndpoint,
        jwksUrl: input.jwksUrl,
      };
      const connection = await store.createConnection({
        status: 'pending',
        orgId: null,
        directoryId: null,
        settings,
        enabled: true,
        trustEmail: false,
        label: input.label,
      });
      return { id: connection.id, created: true, claimCode: await issueClaimCode(store.ephemeral, connection.id, now()) };
    },
    async countPending() {
      return (await store.listConnections({ partner: 'canvas', status: 'pending' })).length;
    },
  };
}

/** The file the SQLite store has open, so ltijs's tables sit in the same file. */
function sqliteFileOf(store: Store): string | null {
  const handle = (store as { database?: { name?: unknown } }).database;
  return typeof handle?.name === 'string' && handle.name !== ':memory:' ? handle.name : null;
}

export function ltijsStorageFor(config: Pick<Config, 'mongodbUri' | 'dataDir'>, store: Store): LtijsStorage {
  if (store.kind === 'mongo' && config.mongodbUri !== null) return { kind: 'mongo', uri: config.mongodbUri };
  return { kind: 'sqlite', file: sqliteFileOf(store) ?? path.join(config.dataDir, SQLITE_FILE_NAME) };
}

export function canvasPartnerFor(config: Config, store: Store, secret: string, overrides: Partial<CanvasDeps> = {}): CanvasPartnerModule {
  return canvasPartner({
    registry: storeCanvasRegistry(store, overrides.now),
    secret,
    ltijsStorage: ltijsStorageFor(config, store),
    // Tests and the sandbox run their simulated Canvas on loopback; a real deployment never calls a private address.
    refusePrivateHosts: config.nodeEnv === 'production',
    ...overrides,
  });
}
