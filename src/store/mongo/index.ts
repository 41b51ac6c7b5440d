/**
 * The MongoDB store (used when MONGODB_URI is set).
 *
 * Connection: a dedicated `mongoose.createConnection` (never the global mongoose; ltijs brings its
 * own mongoose 7), with `sanitizeFilter` on, `autoIndex`/`autoCreate`/`bufferCommands` off: the
 * indexes are built by `init()` before the store serves, and an operation while the server is
 * unreachable fails within `serverSelectionTimeoutMS` as StoreUnavailableError instead of queuing.
 *
 * Indexes (schemas.ts), unique ones first:
 *   entitlements  (orgId, productId) unique; holds the seat counter `used` and `reserving`
 *   domains       name unique, partial {status: 'verified'}; (directoryId, name) unique; (orgId, name);
 *                 (name, status, createdAt)
 *   connections   tenantKeys unique multikey, partial {tenantKeys: string}; (settings.issuer,
 *                 settings.clientId); orgId; directoryId
 *   users         (directoryId, email) unique, partial {email: string}; identities.key unique
 *                 multikey, partial {identities.key: string}; identities.connectionId;
 *                 (createdAt, seq) and (orgId|directoryId, createdAt, seq)
 *   licenses      (userId, productId) unique; (orgId, productId)
 *   api_tokens    tokenHash unique
 *   ephemeral     (namespace, key) unique; expiresAt TTL (expireAfterSeconds 0, housekeeping only)
 *   audit_events  (time, seq) desc, and (orgId|directoryId|userId, time, seq) desc
 *   settings      _id = name;  organizations, directories: (createdAt, seq) for listing order
 *
 * Why each racing operation is atomic (no read-then-write decides anything):
 *   createUser        one insertOne of the user with its embedded identity; the unique indexes on
 *                     identities.key and (directoryId, email) let exactly one racer in, and a
 *                     loser's E11000 means "already exists": it reads the winner and returns it.
 *   linkExternalIdentity  one updateOne ($push guarded by `identities.key $ne`); the unique
 *                     index refuses a key another user holds, and we report that owner.
 *   createConnection / updateConnection  the tenant keys are in the same document as the
 *                     settings, under a unique multikey index: one insert/update, E11000 is
 *                     tenant_taken, and nothing is written.
 *   claimDomain / markDomainVerified  pending claims of a name coexist; the partial unique index
 *                     on verified names lets one verification in (E11000 is domain_taken); see
 *                     domains.ts for the order of steps that keeps a late claim from surviving it.
 *   assignLicense     a seat is reserved by one conditional update of the entitlement
 *                     (`seats` null or `used < seats`, and no reservation of this user yet:
 *                     `used + 1`, reservation recorded), then the license is inserted under its
 *                     unique (userId, productId) index, then the reservation is settled by an
 *                     update conditional on it. A duplicate gives the seat back and returns the
 *                     existing license; a second launch of the same person waits for the first's
 *                     reservation instead of being refused. See licenses.ts for the invariant.
 *   revokeLicense     findOneAndDelete hands the license to one caller, who alone releases a seat.
 *   deleteEntitlement marks it inactive rather than deleting it: licenses outlive it, so `used`
 *                     must too, or setting it again would hand out seats that are taken.
 *   ephemeral.consume findOneAndDelete (with expiresAt > now): exactly one caller gets the value.
 *   ephemeral.putIfAbsent  insert under the unique (namespace, key); an expired holder is removed
 *                     by a delete conditional on still being expired, then one more insert.
 *   getOrSetSetting   one upsert writing only $setOnInsert: all callers read the first value.
 *   upserts of a new key (setEntitlement, setSetting, ephemeral.put) retry once on E11000: two
 *                     upserts can both miss and both insert; the loser's retry matches the winner.
 */
import mongoose from 'mongoose';
import { StoreUnavailableError } from '../errors';
import { defineModels } from './schemas';
import { MongoStore } from './store';

export { MongoStore } from './store';

export interface MongoStoreOptions {
  uri: string;
  /** Defaults to the database named in the URI. */
  dbName?: string;
  now?: () => Date;
}

/**
 * Mongoose settings of the store's connection: sanitizeFilter as the second defence against
 * operator injection (see filters.ts), indexes built by init() only, and no command buffering,
 * so an operation fails at once rather than waiting for a connection that may never come.
 */
export const MONGOOSE_CONNECTION_OPTIONS = {
  sanitizeFilter: true,
  autoIndex: false,
  autoCreate: false,
  bufferCommands: false,
} as const;

/** How long an operation waits for a usable server before failing (StoreUnavailableError). */
const SERVER_SELECTION_TIMEOUT_MS = 5000;

/** Connects (or throws StoreUnavailableError); call `init()` on the result before use. */
export async function openMongoStore(options: MongoStoreOptions): Promise<MongoStore> {
  let conn: mongoose.Connection | undefined;
  try {
    conn = mongoose.createConnection(options.uri, {
      ...(options.dbName === undefined ? {} : { dbName: options.dbName }),
      serverSelectionTimeoutMS: SERVER_SELECTION_TIMEOUT_MS,
      ...MONGOOSE_CONNECTION_OPTIONS,
    });
    await conn.asPromise();
  } catch (err) {
    await conn?.close().catch(() => undefined);
    // A malformed URI is a configuration mistake, reported as the driver words it. By name: the
    // connection-string parser has a MongoParseError class of its own.
    if (err instanceof Error && err.name === 'MongoParseError') throw err;
    const reason = err instanceof Error ? err.message : String(err);
    throw new StoreUnavailableError(`Cannot connect to MongoDB: ${reason}`, { cause: err });
  }
  return new MongoStore(conn, defineModels(conn), options.now ?? (() => new Date()));
}
