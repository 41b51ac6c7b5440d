/** Turns SQLite's errors into the store's: conflicts by code, outages as StoreUnavailableError. */
import Database from 'better-sqlite3';
import { StoreConflictError, StoreUnavailableError, type StoreConflictCode } from '../errors';

/** Which unique key was hit, by the columns SQLite names in "UNIQUE constraint failed: t.c, ...". */
const UNIQUE_KEYS: readonly { columns: string; code: StoreConflictCode; message: string }[] = [
  // The partial unique index of verified names (migration 5): another directory verified it.
  { columns: 'domains.name', code: 'domain_taken', message: 'That domain is already verified by a directory.' },
  { columns: 'domains.directory_id, domains.name', code: 'domain_taken', message: 'This directory already claims that domain.' },
  {
    columns: 'connection_keys.key',
    code: 'tenant_taken',
    message: 'That partner tenant already belongs to another connection.',
  },
  {
    columns: 'users.directory_id, users.email',
    code: 'email_taken',
    message: 'A user with that email already exists in the directory.',
  },
  {
    columns: 'admin_accounts.email',
    code: 'email_taken',
    message: 'An admin account with that email already exists.',
  },
  {
    columns: 'external_identities.connection_id, external_identities.subject',
    code: 'identity_taken',
    message: 'That partner identity is already linked to a user.',
  },
];

/** SQLite result codes that mean "the database cannot serve us right now", not "your input is wrong". */
const UNAVAILABLE = ['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_IOERR', 'SQLITE_CANTOPEN', 'SQLITE_FULL', 'SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_READONLY', 'SQLITE_PROTOCOL'];

export function translateError(err: unknown): unknown {
  if (!(err instanceof Database.SqliteError)) return err;
  if (err.code === 'SQLITE_CONSTRAINT_UNIQUE' || err.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    const columns = err.message.replace(/^UNIQUE constraint failed: /, '');
    const known = UNIQUE_KEYS.find((k) => k.columns === columns);
    return known
      ? new StoreConflictError(known.code, known.message)
      : new StoreConflictError('duplicate', `A record with the same key already exists (${columns}).`);
  }
  if (UNAVAILABLE.some((code) => err.code === code || err.code.startsWith(`${code}_`))) {
    return new StoreUnavailableError(`The SQLite database failed: ${err.message}`, { cause: err });
  }
  return err;
}
