/**
 * Query filters built from values that may come from outside (admin API input, launch claims).
 *
 * Two defences against operator injection (`{ email: { $gt: '' } }` matching everyone): every
 * value is cast with String() (or checked to be a real Date) before it goes into a filter, and the
 * connection runs with `sanitizeFilter`, which wraps any remaining operator object in `$eq`. Our
 * own operators are therefore marked with `trusted()`; a filter built here contains no other.
 */
import { trusted, type FilterQuery } from 'mongoose';
import type { AuditFilter, ConnectionFilter, Paging, UserFilter } from '../port';
import type { AuditDoc, ConnectionDoc, UserDoc } from './schemas';

/** A filter value that can only ever be a string, whatever the caller passed at runtime. */
export function text(value: string): string {
  return String(value);
}

export function validDate(value: Date, what: string): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new TypeError(`${what} must be a valid Date`);
  }
  return value;
}

export function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Equality on a field covered by a partial index with `{ $type: 'string' }`: repeating the type
 * condition lets the planner prove the query is within the index. The value is still a string.
 */
export function stringEquals(value: string): { $eq: string; $type: 'string' } {
  return trusted({ $eq: text(value), $type: 'string' });
}

export function identityKey(connectionId: string, subject: string): string {
  // NUL cannot appear in a connection id (a UUID), so the pair maps to the key one-to-one.
  return `${text(connectionId)}\u0000${text(subject)}`;
}

export function userFilter(filter: UserFilter): FilterQuery<UserDoc> {
  const query: FilterQuery<UserDoc> = {};
  if (filter.orgId !== undefined) query.orgId = text(filter.orgId);
  if (filter.directoryId !== undefined) query.directoryId = text(filter.directoryId);
  if (filter.status !== undefined) query.status = text(filter.status);
  const search = filter.search === undefined ? '' : text(filter.search).trim();
  if (search !== '') {
    // Escaped, so "a.b" or "(" match those characters literally; a RegExp object is data to
    // sanitizeFilter (it has no $ keys), so it passes through unchanged.
    const pattern = new RegExp(escapeRegExp(search), 'i');
    query.$or = [{ email: pattern }, { givenName: pattern }, { familyName: pattern }, { displayName: pattern }];
  }
  return query;
}

export function auditFilter(filter: AuditFilter): FilterQuery<AuditDoc> {
  const query: FilterQuery<AuditDoc> = {};
  // null matches events stored without an organization (the field is null or absent).
  if (filter.orgId === null) query.orgId = null;
  else if (filter.orgId !== undefined) query.orgId = text(filter.orgId);
  if (filter.directoryId !== undefined) query.directoryId = text(filter.directoryId);
  if (filter.kind !== undefined) query.kind = text(filter.kind);
  if (filter.decision !== undefined) query.decision = text(filter.decision);
  if (filter.reason !== undefined) query.reason = text(filter.reason);
  if (filter.partner !== undefined) query.partner = text(filter.partner);
  if (filter.userId !== undefined) query.userId = text(filter.userId);
  // since is inclusive and until exclusive (as in the SQLite store), so consecutive windows
  // neither overlap nor leave gaps.
  const time: { $gte?: Date; $lt?: Date } = {};
  if (filter.since !== undefined) time.$gte = validDate(filter.since, 'since');
  if (filter.until !== undefined) time.$lt = validDate(filter.until, 'until');
  if (time.$gte !== undefined || time.$lt !== undefined) query.time = trusted(time);
  return query;
}

export function connectionFilter(filter: ConnectionFilter): FilterQuery<ConnectionDoc> {
  const query: FilterQuery<ConnectionDoc> = {};
  if (filter.orgId !== undefined) query.orgId = text(filter.orgId);
  if (filter.directoryId !== undefined) query.directoryId = text(filter.directoryId);
  if (filter.status !== undefined) query.status = text(filter.status);
  if (filter.partner !== undefined) query.partner = text(filter.partner);
  return query;
}

/**
 * Whole numbers, offset from 0. A limit below 1 means "no items" (MongoDB would read limit 0 as
 * "no limit").
 */
export function pageWindow(paging: Paging): { skip: number; limit: number } {
  const whole = (n: number): number => (Number.isFinite(n) ? Math.max(0, Math.floor(n)) : 0);
  return { skip: whole(Number(paging.offset)), limit: whole(Number(paging.limit)) };
}

/** The order lists use, so that records sharing a timestamp keep their insertion order. */
export const CREATION_ORDER = { createdAt: 1, seq: 1 } as const;
export const NEWEST_FIRST = { time: -1, seq: -1 } as const;
