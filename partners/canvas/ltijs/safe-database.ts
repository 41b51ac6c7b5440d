/**
 * Wraps any ltijs storage (our SQLite plugin, or ltijs's own MongoDB backend) so that ltijs's
 * lifecycle cannot take the process down: `setup()` runs once and throws to *us* (ltijs's
 * `deploy()` would `process.exit()` on a storage error), and `Delete` never rejects (ltijs calls it
 * without `await`; a rejection there is an unhandled rejection, fatal on Node 20).
 */
import type { LtijsDatabase, LtijsDocument, LtijsQuery } from 'ltijs';

export function safeLtijsDatabase(inner: LtijsDatabase, onError: (err: unknown, operation: string) => void): LtijsDatabase {
  let ready: Promise<boolean> | null = null;
  return {
    setup(): Promise<boolean> {
      ready ??= inner.setup().catch((err: unknown) => {
        ready = null;
        throw err;
      });
      return ready;
    },
    Close: () => inner.Close(),
    Get: (key: string | false, collection: string, query?: LtijsQuery) => inner.Get(key, collection, query),
    Insert: (key: string | false, collection: string, item: LtijsDocument, index?: LtijsQuery) => inner.Insert(key, collection, item, index),
    Replace: (key: string | false, collection: string, query: LtijsQuery, item: LtijsDocument, index?: LtijsQuery) =>
      inner.Replace(key, collection, query, item, index),
    Modify: (key: string | false, collection: string, query: LtijsQuery, modification: LtijsDocument) => inner.Modify(key, collection, query, modification),
    async Delete(collection: string, query: LtijsQuery): Promise<boolean> {
      try {
        return await inner.Delete(collection, query);
      } catch (err) {
        onError(err, `Delete ${collection}`);
        return false;
      }
    },
  };
}
