/**
 * WHERE clauses for the tables that grow large (users, audit). Only the filters given appear in
 * the SQL, so SQLite can pick an index; the store caches one prepared statement per clause shape.
 */
import type { AuditFilter, UserFilter } from '../port';

export type Params = Record<string, string | number | null>;

export interface Where {
  sql: string;
  params: Params;
}

/** A deterministic SQL function the store registers: Unicode-aware lower-casing for search. */
export const FOLD_FUNCTION = 'launchgate_fold';

export function fold(value: string | null): string | null {
  return value == null ? null : value.toLowerCase();
}

/** Escapes LIKE's wildcards so a search for "100%" or "a_b" matches those characters literally. */
export function likeContains(search: string): string {
  return `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function where(parts: string[], params: Params): Where {
  return { sql: parts.length === 0 ? '' : `WHERE ${parts.join(' AND ')}`, params };
}

export function userWhere(filter: UserFilter): Where {
  const parts: string[] = [];
  const params: Params = {};
  if (filter.orgId !== undefined) {
    parts.push('org_id = @orgId');
    params.orgId = filter.orgId;
  }
  if (filter.directoryId !== undefined) {
    parts.push('directory_id = @directoryId');
    params.directoryId = filter.directoryId;
  }
  if (filter.status !== undefined) {
    parts.push('status = @status');
    params.status = filter.status;
  }
  const search = filter.search?.trim();
  if (search) {
    const columns = ['email', 'given_name', 'family_name', 'display_name'];
    parts.push(`(${columns.map((c) => `${FOLD_FUNCTION}(${c}) LIKE @search ESCAPE '\\'`).join(' OR ')})`);
    params.search = likeContains(fold(search) ?? '');
  }
  return where(parts, params);
}

export function auditWhere(filter: AuditFilter): Where {
  const parts: string[] = [];
  const params: Params = {};
  const equal = (column: string, name: string, value: string | undefined): void => {
    if (value === undefined) return;
    parts.push(`${column} = @${name}`);
    params[name] = value;
  };
  if (filter.orgId === null) parts.push('org_id IS NULL');
  else equal('org_id', 'orgId', filter.orgId);
  equal('directory_id', 'directoryId', filter.directoryId);
  equal('kind', 'kind', filter.kind);
  equal('decision', 'decision', filter.decision);
  equal('reason', 'reason', filter.reason);
  equal('partner', 'partner', filter.partner);
  equal('user_id', 'userId', filter.userId);
  // since is inclusive and until exclusive, so consecutive windows neither overlap nor leave gaps.
  if (filter.since !== undefined) {
    parts.push('time >= @since');
    params.since = filter.since.getTime();
  }
  if (filter.until !== undefined) {
    parts.push('time < @until');
    params.until = filter.until.getTime();
  }
  return where(parts, params);
}
