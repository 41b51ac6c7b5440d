/**
 * A fresh SQLite file for each test of the calling `describe`: every store a test opens on it is
 * closed after the test, then its folder removed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStore, type SqliteStore, type SqliteStoreOptions } from '../../src/store/sqlite';

export interface SqliteFileFixture {
  /** The running test's store file. */
  readonly file: string;
  /** Another file in the running test's folder. */
  pathOf(name: string): string;
  /** Opens and initializes a store on `file` (or `options.file`). */
  open(options?: Partial<SqliteStoreOptions>): Promise<SqliteStore>;
}

/** Call inside a `describe`: it adds the hooks that make and clean up each test's file. */
export function sqliteFilePerTest(prefix: string): SqliteFileFixture {
  let dir = '';
  const opened: SqliteStore[] = [];
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), `launchgate-${prefix}-`));
  });
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const pathOf = (name: string) => path.join(dir, name);
  return {
    get file() {
      return pathOf('store.sqlite');
    },
    pathOf,
    async open(options = {}) {
      const store = openSqliteStore({ file: pathOf('store.sqlite'), ...options });
      opened.push(store);
      await store.init();
      return store;
    },
  };
}
