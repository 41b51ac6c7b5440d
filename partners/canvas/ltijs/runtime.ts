/**
 * One ltijs Provider for one Canvas adapter, set up the way LaunchGate needs it:
 * - a fresh copy of ltijs per adapter (ltijs exports a singleton that refuses a second `setup()`,
 *   and tests start several LaunchGates in one process);
 * - storage through our plugin (SQLite) or ltijs's MongoDB backend, both behind safeLtijsDatabase;
 * - its CORS off (it reflects any Origin with credentials) and its COEP/COOP/CORP headers reset,
 *   since they would break pages inside Canvas's iframe;
 * - `deploy()` cannot exit the process and leaves no SIGINT handler behind;
 * - its outbound HTTP goes through our fetch (timeouts, size limits);
 * - its RSA key pairs are generated off the event loop (key-pair.ts), not with generateKeyPairSync.
 * ltijs serves what it is sound for: the tool key pairs and their JWKS (`/lti/keys`), the platform
 * registry, and dynamic registration.
 */
import path from 'node:path';
import type { NextFunction, Request, Response } from 'express';
import type { LtijsDatabase, LtijsDynamicRegistration, LtijsProvider } from 'ltijs';
import type { FetchLike } from '../http';
import { installHttpSeam, type GotLike, type HttpSeam } from './http-seam';
import { generatePlatformKeyPair } from './key-pair';
import { safeLtijsDatabase } from './safe-database';
import { LtijsSqlitePlugin } from './sqlite-plugin';

export type LtijsStorage = { kind: 'sqlite'; file: string } | { kind: 'mongo'; uri: string };

export interface LtijsRuntimeOptions {
  storage: LtijsStorage;
  /** Already derived from the deployment secret; ltijs signs and encrypts with it. */
  encryptionKey: string;
  publicUrl: URL;
  toolName: string;
  description: string;
  iconUrl: string;
  fetch: FetchLike;
  now: () => Date;
  onError: (err: unknown, operation: string) => void;
}

export interface LtijsRuntime {
  provider: LtijsProvider;
  dynamicRegistration: LtijsDynamicRegistration;
  http: HttpSeam;
  /** Serves ltijs's JWKS route (`/keys`), creating LaunchGate's default tool key on first use. */
  serveKeys(req: Request, res: Response, next: NextFunction): Promise<void>;
  close(): Promise<void>;
}

export class LtijsStartError extends Error {
  override readonly name = 'LtijsStartError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

interface LtijsAuthModule {
  generatePlatformKeyPair(encryptionKey: string, database: LtijsDatabase, platformUrl: string, clientId: string): Promise<string>;
}
type LtijsMongoDatabaseClass = new (options: { url: string }) => LtijsDatabase;

const LTIJS_ROOT = path.dirname(require.resolve('ltijs/package.json'));
const OWN_FILES = new RegExp(`^${escapeRegExp(LTIJS_ROOT + path.sep)}(?!node_modules)`);

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A private copy of ltijs's own modules; its dependencies (express 4, mongoose 7, got) stay shared. */
function loadFreshLtijs(): { provider: LtijsProvider; http: GotLike; auth: LtijsAuthModule; MongoDatabase: LtijsMongoDatabaseClass } {
  for (const key of Object.keys(require.cache)) {
    if (OWN_FILES.test(key)) delete require.cache[key];
  }
  /* eslint-disable @typescript-eslint/no-require-imports -- a fresh module instance needs require() after clearing the cache */
  const { Provider } = require('ltijs') as typeof import('ltijs');
  const http = require(path.join(LTIJS_ROOT, 'dist/Utils/Http')) as GotLike;
  const auth = require(path.join(LTIJS_ROOT, 'dist/Utils/Auth')) as LtijsAuthModule;
  const MongoDatabase = require(path.join(LTIJS_ROOT, 'dist/Utils/Database')) as LtijsMongoDatabaseClass;
  /* eslint-enable @typescript-eslint/no-require-imports */
  return { provider: Provider, http, auth, MongoDatabase };
}

/** Headers ltijs's helmet 6 sets that would stop the page (or its resources) working inside Canvas. */
function resetIsolationHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.removeHeader('Cross-Origin-Embedder-Policy');
  res.removeHeader('Cross-Origin-Opener-Policy');
  res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
  next();
}

const DEFAULT_TOOL_KEY = { platformUrl: 'launchgate:tool', clientId: 'launchgate' };

export async function startLtijs(options: LtijsRuntimeOptions): Promise<LtijsRuntime> {
  const { provider, http, auth, MongoDatabase } = loadFreshLtijs();
  // registerPlatform() calls `Auth.generatePlatformKeyPair` on this (private) module at call time.
  auth.generatePlatformKeyPair = generatePlatformKeyPair;
  const inner: LtijsDatabase =
    options.storage.kind === 'sqlite'
      ? new LtijsSqlitePlugin({ file: options.storage.file, now: options.now, onError: options.onError })
      : new MongoDatabase({ url: options.storage.uri });
  const database = safeLtijsDatabase(inner, options.onError);
  try {
    await database.setup();
  } catch (err) {
    throw new LtijsStartError(`ltijs storage (${options.storage.kind}) could not be opened`, { cause: err });
  }

  const lti = new URL('/lti', options.publicUrl).toString();
  provider.setup(options.encryptionKey, { plugin: database }, {
    appRoute: '/launch',
    loginRoute: '/login',
    keysetRoute: '/keys',
    dynRegRoute: '/register',
    cors: false,
    tokenMaxAge: 300,
    cookies: { secure: true, sameSite: 'None' },
    serverAddon: (app) => {
      app.use(resetIsolationHeaders);
    },
    dynReg: {
      url: lti,
      name: options.toolName,
      description: options.description,
      logo: options.iconUrl,
      // LaunchGate's own connection status (pending until an admin links it) is the gate, not ltijs's flag.
      autoActivate: true,
      useDeepLinking: false,
    },
  });
  const sigintBefore = new Set(process.listeners('SIGINT'));
  // setup() already succeeded, so deploy()'s own call returns at once and its exit path is unreachable.
  await provider.deploy({ serverless: true, silent: true });
  for (const listener of process.listeners('SIGINT')) {
    if (!sigintBefore.has(listener)) process.removeListener('SIGINT', listener);
  }
  if (!provider.DynamicRegistration) throw new LtijsStartError('ltijs did not set up dynamic registration');
  const seam = installHttpSeam(http, options.fetch);

  let toolKey: Promise<void> | null = null;
  async function ensureToolKey(): Promise<void> {
    const existing = await database.Get(options.encryptionKey, 'publickey');
    if (existing) return;
    // Once per deployment, on the first JWKS request, never on a launch (and off the event loop).
    await auth.generatePlatformKeyPair(options.encryptionKey, database, DEFAULT_TOOL_KEY.platformUrl, DEFAULT_TOOL_KEY.clientId);
  }

  return {
    provider,
    dynamicRegistration: provider.DynamicRegistration,
    http: seam,
    async serveKeys(req, res, next) {
      try {
        toolKey ??= ensureToolKey().catch((err: unknown) => {
          toolKey = null;
          throw err;
        });
        await toolKey;
      } catch (err) {
        next(err);
        return;
      }
      // A public key set: readable from any origin, never with credentials.
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.setHeader('Cache-Control', 'public, max-age=300');
      provider.app(req, res, next);
    },
    async close() {
      await provider.close({ silent: true });
    },
  };
}
