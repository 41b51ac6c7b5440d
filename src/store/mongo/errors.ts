/** Turns MongoDB's errors into the store's: duplicate keys by index, outages as StoreUnavailableError. */
import mongoose from 'mongoose';
import { StoreConflictError, StoreUnavailableError, type StoreConflictCode } from '../errors';
import { UNIQUE_INDEX } from './schemas';

type UniqueIndexName = (typeof UNIQUE_INDEX)[keyof typeof UNIQUE_INDEX];

/** Duplicates callers handle by code; the same codes and words as the SQLite store. */
const CONFLICTS: Partial<Record<UniqueIndexName, { code: StoreConflictCode; message: string }>> = {
  [UNIQUE_INDEX.domainName]: { code: 'domain_taken', message: 'That domain is already verified by a directory.' },
  [UNIQUE_INDEX.domainDirectoryName]: { code: 'domain_taken', message: 'This directory already claims that domain.' },
  [UNIQUE_INDEX.tenantKey]: {
    code: 'tenant_taken',
    message: 'That partner tenant already belongs to another connection.',
  },
  [UNIQUE_INDEX.userEmail]: {
    code: 'email_taken',
    message: 'A user with that email already exists in the directory.',
  },
  [UNIQUE_INDEX.identityKey]: {
    code: 'identity_taken',
    message: 'That partner identity is already linked to a user.',
  },
  [UNIQUE_INDEX.adminEmail]: {
    code: 'email_taken',
    message: 'An admin account with that email already exists.',
  },
};

/** The fields of each unique index, to recognise it from an error's `keyPattern`. */
const INDEX_FIELDS: Record<UniqueIndexName, readonly string[]> = {
  [UNIQUE_INDEX.entitlement]: ['orgId', 'productId'],
  [UNIQUE_INDEX.domainName]: ['name'],
  [UNIQUE_INDEX.domainDirectoryName]: ['directoryId', 'name'],
  [UNIQUE_INDEX.tenantKey]: ['tenantKeys'],
  [UNIQUE_INDEX.userEmail]: ['directoryId', 'email'],
  [UNIQUE_INDEX.identityKey]: ['identities.key'],
  [UNIQUE_INDEX.license]: ['userId', 'productId'],
  [UNIQUE_INDEX.tokenHash]: ['tokenHash'],
  [UNIQUE_INDEX.ephemeralKey]: ['namespace', 'key'],
  [UNIQUE_INDEX.adminEmail]: ['email'],
};

interface DuplicateKeyShape {
  code?: unknown;
  keyPattern?: unknown;
  message?: unknown;
}

/** E11000 (and the legacy 11001): a write hit a unique index. */
export function isDuplicateKey(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code } = err as DuplicateKeyShape;
  return code === 11000 || code === 11001;
}

/**
 * Which unique index a duplicate-key error hit: by the index name in the server's message
 * ("... index: <name> dup key: ..."), else by the fields of `keyPattern`; null when unknown.
 */
export function duplicateIndex(err: unknown): string | null {
  if (!isDuplicateKey(err)) return null;
  const { keyPattern, message } = err as DuplicateKeyShape;
  if (typeof message === 'string') {
    const named = /index: (\S+) dup key/.exec(message);
    if (named) return named[1];
  }
  if (typeof keyPattern === 'object' && keyPattern !== null) {
    const fields = Object.keys(keyPattern).sort().join(',');
    for (const [name, indexFields] of Object.entries(INDEX_FIELDS)) {
      if ([...indexFields].sort().join(',') === fields) return name;
    }
  }
  return null;
}

export function isDuplicateOn(err: unknown, index: UniqueIndexName): boolean {
  return duplicateIndex(err) === index;
}

/**
 * Runs an upsert, once more if it lost an insert race: two upserts of a new key can both miss and
 * both insert, and the loser's E11000 means the document now exists, so the retry matches it.
 */
export async function upsertOnce<T>(upsert: () => Promise<T>): Promise<T> {
  try {
    return await upsert();
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    return upsert();
  }
}

/** The driver could not reach a usable server (network, failover, closed client). */
function isUnavailable(err: unknown): err is Error {
  const { mongo } = mongoose;
  if (
    err instanceof mongo.MongoNetworkError ||
    err instanceof mongo.MongoServerSelectionError ||
    err instanceof mongo.MongoTopologyClosedError ||
    err instanceof mongo.MongoNotConnectedError ||
    err instanceof mongoose.Error.MongooseServerSelectionError
  ) {
    return true;
  }
  // A primary stepping down or a dropped connection mid-write: the write may be retried later.
  return err instanceof mongo.MongoError && err.hasErrorLabel('RetryableWriteError');
}

export function translateError(err: unknown): unknown {
  if (err instanceof StoreConflictError || err instanceof StoreUnavailableError) return err;
  if (isDuplicateKey(err)) {
    const index = duplicateIndex(err);
    const known = index === null ? undefined : CONFLICTS[index as UniqueIndexName];
    return known
      ? new StoreConflictError(known.code, known.message)
      : new StoreConflictError('duplicate', `A record with the same key already exists (${index ?? 'unknown index'}).`);
  }
  if (isUnavailable(err)) {
    return new StoreUnavailableError(`MongoDB cannot be reached: ${err.message}`, { cause: err });
  }
  return err;
}

/**
 * Makes every method of `target`'s class translate its errors, so no operation can forget to: an
 * outage surfaces as StoreUnavailableError (launches answer 503) and a duplicate nobody handled
 * as a StoreConflictError with a code. A method's result is passed through as it is; only a
 * throw or a rejection is translated.
 */
export function translateErrorsOf<T extends object>(target: T): T {
  const proto: unknown = Object.getPrototypeOf(target);
  if (typeof proto !== 'object' || proto === null) return target;
  for (const name of Object.getOwnPropertyNames(proto)) {
    if (name === 'constructor') continue;
    const method: unknown = Object.getOwnPropertyDescriptor(proto, name)?.value;
    if (typeof method !== 'function') continue;
    Object.defineProperty(target, name, {
      configurable: true,
      writable: true,
      enumerable: false,
      value: (...args: unknown[]): unknown => {
        let result: unknown;
        try {
          result = (method as (...a: unknown[]) => unknown).apply(target, args);
        } catch (err) {
          throw translateError(err);
        }
        return result instanceof Promise
          ? result.catch((err: unknown) => {
              throw translateError(err);
            })
          : result;
      },
    });
  }
  return target;
}
