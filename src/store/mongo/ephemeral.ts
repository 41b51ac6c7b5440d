/**
 * Short-lived single-use values. `consume` is one findOneAndDelete, which MongoDB applies to a
 * document once: of any number of concurrent callers, in any number of processes, exactly one
 * gets the value. The TTL index only tidies up; every read also requires `expiresAt > now`, so a
 * value is dead the moment it expires, not when the TTL monitor next runs.
 */
import { randomUUID } from 'node:crypto';
import { trusted } from 'mongoose';
import type { EphemeralStore } from '../port';
import { isDuplicateKey, translateErrorsOf, upsertOnce } from './errors';
import { text, validDate } from './filters';
import type { EphemeralDoc, Models } from './schemas';

type EphemeralFields = Pick<EphemeralDoc, 'namespace' | 'key' | 'value' | 'expiresAt'>;

/** One insert; false when the (namespace, key) unique index already holds the key. */
async function insertIfAbsent(m: Models, fields: EphemeralFields, at: Date): Promise<boolean> {
  try {
    await m.ephemeral.create({ _id: randomUUID(), ...fields, createdAt: at });
    return true;
  } catch (err) {
    if (isDuplicateKey(err)) return false;
    throw err;
  }
}

export class MongoEphemeralStore implements EphemeralStore {
  constructor(
    private readonly m: Models,
    private readonly now: () => Date,
  ) {
    translateErrorsOf(this);
  }

  async putIfAbsent(namespace: string, key: string, value: string, expiresAt: Date): Promise<boolean> {
    const fields = {
      namespace: text(namespace),
      key: text(key),
      value: text(value),
      expiresAt: validDate(expiresAt, 'expiresAt'),
    };
    if (await insertIfAbsent(this.m, fields, this.now())) return true;
    // The key exists. An expired value counts as absent: delete it only while it is still expired
    // (one conditional delete), then insert once more. Of several callers doing this at once, one
    // deletes and inserts; the others delete nothing, or lose the insert, and get false.
    const removed = await this.m.ephemeral.deleteOne({
      namespace: fields.namespace,
      key: fields.key,
      expiresAt: trusted({ $lte: this.now() }),
    });
    if (removed.deletedCount !== 1) return false;
    return insertIfAbsent(this.m, fields, this.now());
  }

  async put(namespace: string, key: string, value: string, expiresAt: Date): Promise<void> {
    const filter = { namespace: text(namespace), key: text(key) };
    const set = { value: text(value), expiresAt: validDate(expiresAt, 'expiresAt') };
    await upsertOnce(() =>
      this.m.ephemeral.updateOne(
        filter,
        { $set: set, $setOnInsert: { _id: randomUUID(), createdAt: this.now() } },
        { upsert: true, setDefaultsOnInsert: false },
      ),
    );
  }

  async get(namespace: string, key: string): Promise<string | null> {
    const doc = await this.m.ephemeral.findOne(this.live(namespace, key)).lean<EphemeralDoc>();
    return doc?.value ?? null;
  }

  async consume(namespace: string, key: string): Promise<string | null> {
    const doc = await this.m.ephemeral.findOneAndDelete(this.live(namespace, key)).lean<EphemeralDoc>();
    return doc?.value ?? null;
  }

  async delete(namespace: string, key: string): Promise<void> {
    await this.m.ephemeral.deleteOne({ namespace: text(namespace), key: text(key) });
  }

  async purgeExpired(now: Date): Promise<number> {
    const result = await this.m.ephemeral.deleteMany({ expiresAt: trusted({ $lte: validDate(now, 'now') }) });
    return result.deletedCount;
  }

  private live(namespace: string, key: string): { namespace: string; key: string; expiresAt: { $gt: Date } } {
    return { namespace: text(namespace), key: text(key), expiresAt: trusted({ $gt: this.now() }) };
  }
}
