/**
 * The MongoDB adapter without a server: real mongoose (schemas, casting, sanitizeFilter) over a
 * stub driver Db that records what it is asked and answers what a test tells it to. This shows
 * the queries exactly as MongoDB would receive them, and drives the race branches (a concurrent
 * launch winning) that a live server only hits by chance. The full behaviour is the store
 * contract (test/store/mongo.contract.test.ts), which runs when MONGODB_URI is set.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import mongoose from 'mongoose';
import { StoreConflictError, StoreUnavailableError } from '../../../src/store/errors';
import { translateError } from '../../../src/store/mongo/errors';
import { userFilter } from '../../../src/store/mongo/filters';
import { MONGOOSE_CONNECTION_OPTIONS, openMongoStore } from '../../../src/store/mongo/index';
import { defineModels, UNIQUE_INDEX, type DomainDoc, type LicenseDoc, type UserDoc } from '../../../src/store/mongo/schemas';
import { MongoStore } from '../../../src/store/mongo/store';

const NOW = new Date('2026-03-01T12:00:00Z');

type Filter = Record<string, unknown>;
interface Call {
  collection: string;
  op: string;
  args: unknown[];
}
type Handler = (...args: unknown[]) => unknown;

/**
 * The value as BSON would carry it: what `toBSON()` gives for mongoose arrays and subdocuments,
 * and own string keys only (mongoose marks its trusted operators with a symbol the driver skips).
 */
function wire(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || value instanceof Date || value instanceof RegExp) return value;
  const bson = value as { toBSON?: () => unknown };
  if (typeof bson.toBSON === 'function') return wire(bson.toBSON());
  if (Array.isArray(value)) return Array.from(value, wire);
  return Object.fromEntries(Object.keys(value).map((k) => [k, wire((value as Filter)[k])]));
}

const NOTHING_UPDATED = { acknowledged: true, matchedCount: 0, modifiedCount: 0, upsertedCount: 0, upsertedId: null };

/** The few driver methods mongoose calls, each recorded and answered by a handler or a default. */
class StubDb {
  readonly calls: Call[] = [];
  private readonly handlers = new Map<string, Handler>();
  private readonly collections = new Map<string, Record<string, Handler>>();

  on(collection: string, op: string, handler: Handler): void {
    this.handlers.set(`${collection}.${op}`, handler);
  }

  filters(collection: string, op: string): Filter[] {
    return this.calls.filter((c) => c.collection === collection && c.op === op).map((c) => wire(c.args[0]) as Filter);
  }

  collection(name: string): Record<string, Handler> {
    let c = this.collections.get(name);
    if (!c) {
      const answer = (op: string, fallback: (...args: unknown[]) => unknown) => async (...args: unknown[]) => {
        this.calls.push({ collection: name, op, args });
        const handler = this.handlers.get(`${name}.${op}`);
        return handler ? handler(...args) : fallback(...args);
      };
      const toArray = answer('find', () => []);
      c = {
        insertOne: answer('insertOne', (doc) => ({ acknowledged: true, insertedId: (doc as Filter)._id })),
        findOne: answer('findOne', () => null),
        find: (...args: unknown[]) => ({ toArray: () => toArray(...args) }),
        countDocuments: answer('countDocuments', () => 0),
        updateOne: answer('updateOne', () => NOTHING_UPDATED),
        updateMany: answer('updateMany', () => NOTHING_UPDATED),
        findOneAndUpdate: answer('findOneAndUpdate', () => null),
        findOneAndDelete: answer('findOneAndDelete', () => null),
        deleteOne: answer('deleteOne', () => ({ acknowledged: true, deletedCount: 0 })),
        deleteMany: answer('deleteMany', () => ({ acknowledged: true, deletedCount: 0 })),
      };
      this.collections.set(name, c);
    }
    return c;
  }

  command(...args: unknown[]): unknown {
    return this.collection('$cmd').findOne!(...args);
  }
}

function stubStore(): { db: StubDb; store: MongoStore; models: ReturnType<typeof defineModels> } {
  const db = new StubDb();
  const conn = mongoose.createConnection();
  Object.assign(conn.config, MONGOOSE_CONNECTION_OPTIONS);
  // What a successful connect leaves behind (mongoose internals): the driver's Db, and
  // collections that run commands at once instead of waiting for an open.
  Object.assign(conn, { db, _hasOpened: true });
  const models = defineModels(conn);
  return { db, models, store: new MongoStore(conn, models, () => NOW) };
}

function duplicateKey(index: string, keyPattern?: Filter): InstanceType<typeof mongoose.mongo.MongoServerError> {
  const message = `E11000 duplicate key error collection: launchgate.x index: ${index} dup key: { k: "v" }`;
  return new mongoose.mongo.MongoServerError({ message, errmsg: message, code: 11000, keyPattern });
}

function userDoc(id: string): UserDoc {
  return {
    _id: id,
    seq: new mongoose.Types.ObjectId(),
    orgId: 'org',
    directoryId: 'dir',
    email: 'winner@school.example',
    givenName: null,
    familyName: null,
    displayName: null,
    roles: ['student'],
    rawRoles: [],
    status: 'active',
    createdBy: 'jit',
    lastLaunchAt: null,
    identities: [],
    createdAt: NOW,
    updatedAt: NOW,
  };
}

describe('MongoDB store without a server', () => {
  describe('operator injection', () => {
    const attack = { $gt: '' } as unknown as string;

    it('queries an id, email, token hash or key sent as an operator object as a plain string', async () => {
      const { db, store } = stubStore();
      assert.equal(await store.getUser(attack), null);
      assert.equal(await store.findUserByEmail(attack, attack), null);
      assert.equal(await store.findApiTokenByHash(attack), null);
      assert.equal(await store.findConnectionByTenantKey(attack), null);
      assert.equal(await store.ephemeral.consume(attack, attack), null);
      assert.equal((await store.listUsers({ orgId: attack, search: attack }, { limit: 10, offset: 0 })).total, 0);

      assert.deepEqual(db.filters('users', 'findOne')[0], { _id: '[object Object]' });
      assert.deepEqual(db.filters('api_tokens', 'findOne')[0], { tokenHash: '[object Object]' });
      const sent = JSON.stringify(db.calls.map((c) => c.args[0]));
      assert.ok(!sent.includes('"$gt":""'), `an attacker's operator reached MongoDB: ${sent}`);
    });

    it('refuses an operator object that reaches a query some other way, sending nothing', async () => {
      const { db, models } = stubStore();
      await assert.rejects(models.users.findOne({ email: { $gt: '' } } as never).lean());
      await assert.rejects(models.users.findOne({ $where: 'true' } as never).lean(), /not allowed with sanitizeFilter/);
      assert.deepEqual(db.calls, []);
    });
  });

  describe("the store's own operators survive sanitizeFilter", () => {
    it('keeps expiry, seat, $in, time-window, $ne and $type conditions intact', async () => {
      const { db, store } = stubStore();
      await store.ephemeral.consume('nonce', 'n1');
      assert.deepEqual(db.filters('ephemeral', 'findOneAndDelete')[0], {
        namespace: 'nonce',
        key: 'n1',
        expiresAt: { $gt: NOW },
      });

      assert.deepEqual(
        await store.assignLicense({ userId: 'u', orgId: 'o', directoryId: 'd', productId: 'p', source: 'jit' }),
        { outcome: 'no_entitlement' },
      );
      assert.deepEqual(db.filters('entitlements', 'updateOne')[0], {
        orgId: 'o',
        productId: 'p',
        active: true,
        'reserving.userId': { $ne: 'u' },
        $or: [{ seats: null }, { $expr: { $lt: ['$used', '$seats'] } }],
      });

      await store.listOrganizations({ ids: ['a', 'b'] });
      assert.deepEqual(db.filters('organizations', 'find')[0], { _id: { $in: ['a', 'b'] } });

      const since = new Date('2026-01-01T00:00:00Z');
      const until = new Date('2026-02-01T00:00:00Z');
      await store.countAudit({ orgId: 'o', since, until });
      assert.deepEqual(db.filters('audit_events', 'countDocuments')[0], { orgId: 'o', time: { $gte: since, $lt: until } });

      await store.findConnectionByTenantKey('["clever","d-1"]');
      assert.deepEqual(db.filters('connections', 'findOne')[0], {
        tenantKeys: { $eq: '["clever","d-1"]', $type: 'string' },
      });

      // The stub has no such user, so linking reports it after trying the guarded push.
      await assert.rejects(store.linkExternalIdentity('u', { connectionId: 'c', partner: 'clever', subject: 's' }), {
        name: 'UnknownUserError',
      });
      assert.deepEqual(db.filters('users', 'updateOne')[0], { _id: 'u', 'identities.key': { $ne: 'c\u0000s' } });
    });

    it('matches search text literally and case-insensitively in all four name fields', () => {
      const filter = userFilter({ search: '  a.b*(x  ' });
      assert.ok(Array.isArray(filter.$or));
      assert.equal(filter.$or.length, 4);
      for (const condition of filter.$or) {
        const pattern = Object.values(condition)[0];
        assert.ok(pattern instanceof RegExp);
        assert.equal(pattern.source, 'a\\.b\\*\\(x');
        assert.equal(pattern.flags, 'i');
        assert.ok(pattern.test('XA.B*(Xy'));
        assert.ok(!pattern.test('aXb*(x'));
      }
      assert.deepEqual(userFilter({ search: '   ' }), {});
    });
  });

  describe('races a concurrent launch wins', () => {
    it('createUser that loses to the same identity returns the winner and reports created: false', async () => {
      const { db, store } = stubStore();
      db.on('users', 'insertOne', () => {
        throw duplicateKey(UNIQUE_INDEX.identityKey);
      });
      db.on('users', 'findOne', () => userDoc('winner'));
      const result = await store.createUser(
        {
          orgId: 'org',
          directoryId: 'dir',
          email: 'Late@School.example',
          givenName: null,
          familyName: null,
          displayName: null,
          roles: ['student'],
          rawRoles: [],
          createdBy: 'jit',
          lastLaunchAt: null,
        },
        { connectionId: 'c', partner: 'clever', subject: 's' },
      );
      assert.equal(result.created, false);
      assert.equal(result.user.id, 'winner');
      assert.deepEqual(db.filters('users', 'findOne')[0], { 'identities.key': { $eq: 'c\u0000s', $type: 'string' } });
      const inserted = db.calls.find((c) => c.op === 'insertOne')?.args[0] as UserDoc;
      assert.equal(inserted.email, 'late@school.example');
    });

    const seatUpdates = (db: StubDb): unknown[] =>
      db.calls.filter((c) => c.collection === 'entitlements' && c.op === 'updateOne').map((c) => wire(c.args[1]));
    const reservation = { userId: 'u', at: NOW };

    it('assignLicense that loses to a license inserted meanwhile gives its seat back and returns that license', async () => {
      const { db, store } = stubStore();
      const winner: LicenseDoc = {
        _id: 'their-license',
        seq: new mongoose.Types.ObjectId(),
        userId: 'u',
        orgId: 'o',
        directoryId: 'd',
        productId: 'p',
        source: 'jit',
        createdAt: NOW,
      };
      let reads = 0;
      db.on('licenses', 'findOne', () => (reads++ === 0 ? null : winner));
      db.on('entitlements', 'updateOne', () => ({ ...NOTHING_UPDATED, matchedCount: 1, modifiedCount: 1 }));
      db.on('licenses', 'insertOne', () => {
        throw duplicateKey(UNIQUE_INDEX.license);
      });
      const result = await store.assignLicense({ userId: 'u', orgId: 'o', directoryId: 'd', productId: 'p', source: 'jit' });
      assert.ok(result.outcome === 'exists');
      assert.equal(result.license.id, 'their-license');
      assert.deepEqual(seatUpdates(db), [
        { $inc: { used: 1 }, $push: { reserving: reservation } },
        { $pull: { reserving: reservation }, $inc: { used: -1 } },
      ]);
    });

    it('a license insert that fails for another reason still gives the seat back', async () => {
      const { db, store } = stubStore();
      db.on('entitlements', 'updateOne', () => ({ ...NOTHING_UPDATED, matchedCount: 1, modifiedCount: 1 }));
      db.on('licenses', 'insertOne', () => {
        throw new mongoose.mongo.MongoNetworkError('connection reset');
      });
      await assert.rejects(
        store.assignLicense({ userId: 'u', orgId: 'o', directoryId: 'd', productId: 'p', source: 'jit' }),
        StoreUnavailableError,
      );
      assert.deepEqual(seatUpdates(db), [
        { $inc: { used: 1 }, $push: { reserving: reservation } },
        { $pull: { reserving: reservation }, $inc: { used: -1 } },
      ]);
    });

    it('a second launch of the same person waits for the first one\'s seat instead of reporting no_seats', async () => {
      const { db, store } = stubStore();
      const theirs: LicenseDoc = {
        _id: 'first-launch-license',
        seq: new mongoose.Types.ObjectId(),
        userId: 'u',
        orgId: 'o',
        directoryId: 'd',
        productId: 'p',
        source: 'jit',
        createdAt: NOW,
      };
      // The first launch holds the last seat for this user; its license appears on our second look.
      let looks = 0;
      db.on('licenses', 'findOne', () => (looks++ === 0 ? null : theirs));
      db.on('entitlements', 'findOne', () => ({
        _id: 'e',
        orgId: 'o',
        productId: 'p',
        seats: 1,
        used: 1,
        reserving: [{ userId: 'u', at: NOW }],
        active: true,
        createdAt: NOW,
        updatedAt: NOW,
      }));
      const result = await store.assignLicense({ userId: 'u', orgId: 'o', directoryId: 'd', productId: 'p', source: 'jit' });
      assert.ok(result.outcome === 'exists');
      assert.equal(result.license.id, 'first-launch-license');
      assert.equal(db.calls.filter((c) => c.op === 'insertOne').length, 0);
    });

    it('reclaims a seat whose launch died holding it, once the reservation is a minute old', async () => {
      const { db, store } = stubStore();
      const abandoned = { userId: 'someone-else', at: new Date(NOW.getTime() - 61_000) };
      let reserveAttempts = 0;
      db.on('entitlements', 'updateOne', (filter) => {
        const f = wire(filter) as Filter;
        if ('$or' in f) return { ...NOTHING_UPDATED, matchedCount: reserveAttempts++ === 0 ? 0 : 1 };
        return { ...NOTHING_UPDATED, matchedCount: 1 };
      });
      db.on('entitlements', 'findOne', () => ({
        _id: 'e',
        orgId: 'o',
        productId: 'p',
        seats: 1,
        used: 1,
        reserving: [abandoned],
        active: true,
        createdAt: NOW,
        updatedAt: NOW,
      }));
      const result = await store.assignLicense({ userId: 'u', orgId: 'o', directoryId: 'd', productId: 'p', source: 'jit' });
      assert.equal(result.outcome, 'assigned');
      assert.deepEqual(seatUpdates(db), [
        { $inc: { used: 1 }, $push: { reserving: reservation } },
        { $pull: { reserving: abandoned }, $inc: { used: -1 } },
        { $inc: { used: 1 }, $push: { reserving: reservation } },
        { $pull: { reserving: reservation } },
      ]);
    });
  });

  describe('domain claims (pending ones coexist; one verified claim per name)', () => {
    const domainDoc = (id: string, status: 'pending' | 'verified', directoryId = `dir-${id}`): DomainDoc => ({
      _id: id,
      orgId: `org-${id}`,
      directoryId,
      name: 'school.example',
      status,
      verificationToken: 't',
      verifiedAt: status === 'verified' ? NOW : null,
      verifiedBy: status === 'verified' ? 'dns' : null,
      createdAt: NOW,
    });

    it('declares the name unique only among verified claims, and (directory, name) unique', () => {
      const { models } = stubStore();
      const indexes = models.domains.schema.indexes();
      const named = (name: string) => indexes.find(([, options]) => options.name === name);
      assert.deepEqual(named(UNIQUE_INDEX.domainName)?.[0], { name: 1 });
      assert.equal(named(UNIQUE_INDEX.domainName)?.[1].unique, true);
      assert.deepEqual(named(UNIQUE_INDEX.domainName)?.[1].partialFilterExpression, { status: 'verified' });
      assert.deepEqual(named(UNIQUE_INDEX.domainDirectoryName)?.[0], { directoryId: 1, name: 1 });
      assert.equal(named(UNIQUE_INDEX.domainDirectoryName)?.[1].unique, true);
      assert.ok(!indexes.some(([keys, options]) => JSON.stringify(keys) === '{"name":1}' && options.unique && !options.partialFilterExpression));
    });

    it('refuses to claim a name verified elsewhere, before inserting anything', async () => {
      const { db, store } = stubStore();
      db.on('domains', 'findOne', () => domainDoc('owner', 'verified'));
      await assert.rejects(
        store.claimDomain({ orgId: 'o', directoryId: 'd', name: 'School.example', verificationToken: 't' }),
        (e: unknown) => e instanceof StoreConflictError && e.code === 'domain_taken',
      );
      assert.deepEqual(db.filters('domains', 'findOne')[0], { name: 'school.example', status: 'verified' });
      assert.equal(db.calls.filter((c) => c.op === 'insertOne').length, 0);
    });

    it('a claim that a verification overtook between its check and its insert removes itself (domain_taken)', async () => {
      const { db, store } = stubStore();
      let looks = 0;
      db.on('domains', 'findOne', () => (looks++ === 0 ? null : domainDoc('owner', 'verified')));
      await assert.rejects(
        store.claimDomain({ orgId: 'o', directoryId: 'd', name: 'school.example', verificationToken: 't' }),
        (e: unknown) => e instanceof StoreConflictError && e.code === 'domain_taken',
      );
      const inserted = db.calls.find((c) => c.collection === 'domains' && c.op === 'insertOne')?.args[0] as DomainDoc;
      assert.deepEqual(db.filters('domains', 'deleteOne'), [{ _id: inserted._id, status: 'pending' }]);
    });

    it('verifies with one update, then deletes exactly the other pending claims of the name and reports them', async () => {
      const { db, store } = stubStore();
      db.on('domains', 'findOneAndUpdate', () => domainDoc('mine', 'verified'));
      db.on('domains', 'find', () => [domainDoc('b', 'pending'), domainDoc('c', 'pending')]);
      const result = await store.markDomainVerified('mine', 'operator', NOW);
      assert.deepEqual(result?.removed.map((d) => d.id), ['b', 'c']);
      assert.deepEqual(db.filters('domains', 'find')[0], { name: 'school.example', status: 'pending', _id: { $ne: 'mine' } });
      assert.deepEqual(db.filters('domains', 'deleteMany'), [{ _id: { $in: ['b', 'c'] }, status: 'pending' }]);
    });

    it('a verification that hits another verified claim is domain_taken and removes nothing', async () => {
      const { db, store } = stubStore();
      db.on('domains', 'findOneAndUpdate', () => {
        throw duplicateKey(UNIQUE_INDEX.domainName);
      });
      await assert.rejects(store.markDomainVerified('mine', 'dns', NOW), (e: unknown) => e instanceof StoreConflictError && e.code === 'domain_taken');
      assert.equal(db.calls.filter((c) => c.collection === 'domains' && c.op === 'deleteMany').length, 0);
    });

    it('finds the verified claim of a name first, else the oldest pending', async () => {
      const { db, store } = stubStore();
      await store.findDomainByName('School.Example');
      const call = db.calls.find((c) => c.collection === 'domains' && c.op === 'findOne');
      assert.deepEqual(wire(call?.args[0]), { name: 'school.example' });
      assert.deepEqual((call?.args[1] as { sort?: unknown } | undefined)?.sort, { status: -1, createdAt: 1, _id: 1 });
    });
  });

  describe('opening', () => {
    it('reports a malformed MONGODB_URI as the parse error it is', async () => {
      await assert.rejects(openMongoStore({ uri: 'mongo://nowhere' }), { name: 'MongoParseError' });
    });

    it('refuses to open when no MongoDB answers, with StoreUnavailableError (after server selection gives up)', async () => {
      const port = await new Promise<number>((resolve) => {
        const probe = net.createServer().listen(0, '127.0.0.1', () => {
          const { port: free } = probe.address() as net.AddressInfo;
          probe.close(() => resolve(free));
        });
      });
      await assert.rejects(openMongoStore({ uri: `mongodb://127.0.0.1:${port}/launchgate` }), StoreUnavailableError);
    });
  });

  describe('errors', () => {
    it('reports a lost server as StoreUnavailableError (launches answer 503), from every kind of call', async () => {
      const { db, store } = stubStore();
      const down = (): never => {
        throw new mongoose.mongo.MongoNetworkError('connect ECONNREFUSED 127.0.0.1:27017');
      };
      db.on('users', 'findOne', down);
      db.on('ephemeral', 'findOneAndDelete', down);
      db.on('$cmd', 'findOne', down);
      await assert.rejects(store.getUser('u'), StoreUnavailableError);
      await assert.rejects(store.ephemeral.consume('nonce', 'n'), StoreUnavailableError);
      await assert.rejects(store.ping(), StoreUnavailableError);
    });

    it('maps a duplicate on each unique index to the conflict code callers switch on', () => {
      const code = (err: unknown): string => {
        const translated = translateError(err);
        assert.ok(translated instanceof StoreConflictError);
        return translated.code;
      };
      assert.equal(code(duplicateKey(UNIQUE_INDEX.domainName)), 'domain_taken');
      assert.equal(code(duplicateKey(UNIQUE_INDEX.domainDirectoryName)), 'domain_taken');
      assert.equal(code(duplicateKey(UNIQUE_INDEX.tenantKey)), 'tenant_taken');
      assert.equal(code(duplicateKey(UNIQUE_INDEX.userEmail)), 'email_taken');
      assert.equal(code(duplicateKey(UNIQUE_INDEX.identityKey)), 'identity_taken');
      assert.equal(code(duplicateKey(UNIQUE_INDEX.tokenHash)), 'duplicate');
      // A server whose message names no index is still understood from keyPattern.
      const bare = new mongoose.mongo.MongoServerError({ message: 'E11000', code: 11000, keyPattern: { tenantKeys: 1 } });
      assert.equal(code(bare), 'tenant_taken');
      const other = new Error('something else');
      assert.equal(translateError(other), other);
    });
  });
});
