/**
 * Group commit: the writes made during one turn of the event loop share one transaction, which
 * commits when the turn ends (setImmediate). Each write's promise settles only after that commit,
 * so no caller is told "done" before its write is durable (as far as synchronous=NORMAL makes any
 * commit durable), and a failed commit fails every write in it.
 *
 * Why: a commit in WAL mode costs about 25–45 µs of CPU whatever it holds (frame writes and lock
 * calls, most of it in the kernel), and a first launch made six of them (login state, state spent,
 * user, license, audit event, assertion jti): the largest single cost in the launch path's
 * profile. Under load one turn handles several requests, so they share commits.
 *
 * What stays the same:
 * - Each write is as atomic as before: a single statement is atomic on its own, and the
 *   transaction functions of transactions.ts become savepoints inside the group's transaction.
 * - A statement that fails (a unique key, a check) fails alone: SQLite undoes the statement, not
 *   the transaction. An error that does end the transaction (disk full, I/O) fails every write of
 *   the group, since none of them was committed.
 * - Other processes see a write once it is committed, as before; this process reads its own
 *   uncommitted writes (one connection), which only ever run ahead of a commit by one turn.
 * - The group takes the write lock (BEGIN IMMEDIATE) at its first write, so a check-then-write
 *   still cannot interleave with another process's writer; the lock is held for the rest of the
 *   turn, never across I/O (an await on anything but the store ends the turn first).
 * - Another connection to the same file in this process (a second store, ltijs's plugin) would
 *   wait for that lock on this very thread and never get it: it calls flushGroupCommits() before
 *   writing, and a group opening on the file commits the others first.
 */
import path from 'node:path';
import type Database from 'better-sqlite3';

/** How a group ended for one of its writes: committed, or failed with the group's error. */
type Outcome = { committed: true } | { committed: false; error: unknown };
type Settle = (outcome: Outcome) => void;

const COMMITTED: Outcome = { committed: true };

/** Groups open right now, by database file: a connection about to write commits the others' first. */
const openGroups = new Map<string, Set<GroupCommit>>();

/** Commits every open group on `file` in this process; call before writing to it on another connection. */
export function flushGroupCommits(file: string): void {
  const groups = openGroups.get(path.resolve(file));
  if (groups === undefined) return;
  for (const group of [...groups]) group.flush();
}

export class GroupCommit {
  private waiting: Settle[] | null = null;
  private readonly begin: Database.Statement;
  private readonly commitStatement: Database.Statement;
  private readonly rollback: Database.Statement;
  /** Commits made and writes they carried, for the benchmark's and tests' view of the grouping. */
  readonly stats = { commits: 0, writes: 0 };

  private readonly file: string | null;

  constructor(
    private readonly db: Database.Database,
    /** Turns SQLite's errors into the store's. */
    private readonly translate: (err: unknown) => unknown,
    /**
     * false: every write commits on its own. For several server processes on one file: each would
     * hold the write lock for whole turns, and the others wait for it in SQLite's busy handler,
     * which sleeps in steps of 1 to 100 ms with the event loop stopped (measured with two
     * workers: p99 over 700 ms, against 150 ms grouped in one process).
     */
    private readonly enabled = true,
  ) {
    // An in-memory database is private to its connection: nobody else can wait for its lock.
    this.file = db.memory ? null : path.resolve(db.name);
    this.begin = db.prepare('BEGIN IMMEDIATE');
    this.commitStatement = db.prepare('COMMIT');
    this.rollback = db.prepare('ROLLBACK');
  }

  /** Runs `fn` (synchronous database work that writes) in this turn's group; settles after its commit. */
  write<T>(fn: () => T): Promise<T> {
    if (!this.enabled) {
      try {
        const alone = fn();
        this.stats.writes += 1;
        this.stats.commits += 1;
        return Promise.resolve(alone);
      } catch (err) {
        return Promise.reject(this.translate(err));
      }
    }
    let value: T;
    try {
      if (this.waiting === null) this.open();
      value = fn();
    } catch (err) {
      const error = this.translate(err);
      // An error SQLite answers by rolling the whole transaction back took the group's other writes with it.
      if (this.waiting !== null && !this.db.inTransaction) this.settleAll({ committed: false, error });
      return Promise.reject(error);
    }
    this.stats.writes += 1;
    return new Promise<T>((resolve, reject) => {
      this.waiting!.push((outcome) => (outcome.committed ? resolve(value) : reject(outcome.error)));
    });
  }

  /** Commits the open group now (before the store closes; before code that bypasses the store). */
  flush(): void {
    if (this.waiting === null) return;
    if (!this.db.inTransaction) {
      this.settleAll({ committed: false, error: this.translate(new Error('the group transaction ended before its commit')) });
      return;
    }
    try {
      this.commitStatement.run();
    } catch (err) {
      if (this.db.inTransaction) {
        try {
          this.rollback.run();
        } catch {
          // The connection is unusable; the error below already says why.
        }
      }
      this.settleAll({ committed: false, error: this.translate(err) });
      return;
    }
    this.stats.commits += 1;
    this.settleAll(COMMITTED);
  }

  private open(): void {
    if (this.file !== null) {
      flushGroupCommits(this.file);
      this.begin.run();
      const groups = openGroups.get(this.file) ?? new Set<GroupCommit>();
      groups.add(this);
      openGroups.set(this.file, groups);
    } else {
      this.begin.run();
    }
    this.waiting = [];
    setImmediate(() => this.flush());
  }

  private settleAll(outcome: Outcome): void {
    const waiting = this.waiting ?? [];
    this.waiting = null;
    if (this.file !== null) {
      const groups = openGroups.get(this.file);
      groups?.delete(this);
      if (groups?.size === 0) openGroups.delete(this.file);
    }
    for (const settle of waiting) settle(outcome);
  }
}
