/**
 * After the run, with LaunchGate stopped: opens its SQLite file read-only and checks that every
 * launch the load generator made left exactly one launch audit event (matched by the request id the
 * browser sent), and that no launch event appeared that no browser asked for.
 */
import fs from 'node:fs';
import Database from 'better-sqlite3';

export interface AuditCheck {
  launches: number;
  withExactlyOneEvent: number;
  withoutEvent: number;
  withSeveralEvents: number;
  /** Launch events whose request id no benchmark launch used. */
  strayEvents: number;
  /** Every event of the store, any kind, and the users and licenses rows. */
  totalLaunchEvents: number;
  usersRows: number;
  licensesRows: number;
}

export function checkAudit(sqliteFile: string, requestIds: Iterable<string>): AuditCheck {
  const db = new Database(sqliteFile, { readonly: true, fileMustExist: true });
  try {
    const counts = new Map<string, number>();
    for (const row of db.prepare<[], { request_id: string | null; n: number }>("SELECT request_id, COUNT(*) AS n FROM audit_events WHERE kind = 'launch' GROUP BY request_id").iterate()) {
      counts.set(row.request_id ?? '', row.n);
    }
    const result: AuditCheck = {
      launches: 0,
      withExactlyOneEvent: 0,
      withoutEvent: 0,
      withSeveralEvents: 0,
      strayEvents: 0,
      totalLaunchEvents: 0,
      usersRows: db.prepare<[], number>('SELECT COUNT(*) FROM users').pluck().get() ?? 0,
      licensesRows: db.prepare<[], number>('SELECT COUNT(*) FROM licenses').pluck().get() ?? 0,
    };
    for (const n of counts.values()) result.totalLaunchEvents += n;
    const seen = new Set<string>();
    for (const id of requestIds) {
      seen.add(id);
      result.launches += 1;
      const n = counts.get(id) ?? 0;
      if (n === 1) result.withExactlyOneEvent += 1;
      else if (n === 0) result.withoutEvent += 1;
      else result.withSeveralEvents += 1;
    }
    for (const [id, n] of counts) if (!seen.has(id)) result.strayEvents += n;
    return result;
  } finally {
    db.close();
  }
}

/** The store's bytes on disk: the database file and any WAL and shared-memory files beside it. */
export function storeBytes(sqliteFile: string): number {
  let total = 0;
  for (const suffix of ['', '-wal', '-shm']) {
    try {
      total += fs.statSync(sqliteFile + suffix).size;
    } catch {
      // absent
    }
  }
  return total;
}
