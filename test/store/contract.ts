/**
 * What every store adapter promises, as tests: run against each adapter that can start here. Each
 * test gets a fresh, initialized store and a clock of its own that it can move forward.
 *
 * The concurrency cases at the end are the point of the suite: they fire many calls at once and
 * expect the exact counts a single atomic operation would give.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { tenantKeyString, type TenantKey } from '../../src/identity/launch-identity';
import { StoreConflictError, type StoreConflictCode } from '../../src/store/errors';
import type {
  AuditEvent,
  CanvasSettings,
  ConnectionSettings,
  Directory,
  Organization,
} from '../../src/store/model';
import type { NewAuditEvent, NewConnection, NewExternalIdentity, NewUser, Store } from '../../src/store/port';

/** The store's clock for the test; a store that takes a `now` option should use it. */
export interface StoreTestOptions {
  now: () => Date;
}

/** Returns a fresh store (init() is called by the suite), or why this store cannot run here. */
export type OpenStore = (options: StoreTestOptions) => Promise<Store | { pending: string }>;

class TestClock {
  private ms = Math.floor(Date.now() / 1000) * 1000;
  readonly now = (): Date => new Date(this.ms);
  advance(ms: number): void {
    this.ms += ms;
  }
}

interface Ctx {
  store: Store;
  clock: TestClock;
}

type Body = (t: Ctx) => Promise<void>;
type Section = [title: string, tests: [title: string, body: Body][]];

/**
 * Registers the contract for one adapter. Pass `{ pending }` when the adapter cannot run here: the
 * tests are then listed as pending under a title that says why. An `open` that returns
 * `{ pending }` marks each test pending (skipped) at run time.
 */
export function describeStoreContract(name: string, open: OpenStore | { pending: string }): void {
  if (typeof open !== 'function') {
    describe(`Store contract: ${name} (pending: ${open.pending})`, () => {
      for (const [title, tests] of SECTIONS) {
        describe(title, () => {
          for (const [testTitle] of tests) it(testTitle);
        });
      }
    });
    return;
  }

  describe(`Store contract: ${name}`, function () {
    let ctx: Ctx | undefined;

    beforeEach(async function () {
      const clock = new TestClock();
      const opened = await open({ now: clock.now });
      if ('pending' in opened) {
        this.skip();
        return;
      }
      await opened.init();
      ctx = { store: opened, clock };
    });

    afterEach(async function () {
      await ctx?.store.close();
      ctx = undefined;
    });

    for (const [title, tests] of SECTIONS) {
      describe(title, () => {
        for (const [testTitle, body] of tests) {
          it(testTitle, async () => body(ctx!));
        }
      });
    }
  });
}

// Fixtures

const uid = (): string => randomUUID().slice(0, 8);

async function seedOrg(store: Store, jitEnabled = true): Promise<{ org: Organization; dir: Directory }> {
  const org = await store.createOrganization({ name: `Org ${uid()}` });
  const dir = await store.createDirectory({ orgId: org.id, name: 'Main', jitEnabled });
  return { org, dir };
}

function canvas(overrides: Partial<CanvasSettings> = {}): CanvasSettings {
  return {
    partner: 'canvas',
    issuer: 'https://canvas.example.edu',
    clientId: '10000000000001',
    deploymentIds: ['1:abc'],
    authEndpoint: 'https://canvas.example.edu/api/lti/authorize_redirect',
    tokenEndpoint: 'https://canvas.example.edu/login/oauth2/token',
    jwksUrl: 'https://canvas.example.edu/api/lti/security/jwks',
    ...overrides,
  };
}

function linked(org: Organization, dir: Directory, settings: ConnectionSettings): NewConnection {
  return { status: 'linked', orgId: org.id, directoryId: dir.id, settings, enabled: true, trustEmail: false, label: null };
}

function newUser(org: Organization, dir: Directory, overrides: Partial<NewUser> = {}): NewUser {
  return {
    orgId: org.id,
    directoryId: dir.id,
    email: `${uid()}@school.example`,
    givenName: 'Ada',
    familyName: 'Lovelace',
    displayName: 'Ada Lovelace',
    roles: ['student'],
    rawRoles: ['http://purl.imsglobal.org/vocab/lis/v2/membership#Learner'],
    createdBy: 'jit',
    lastLaunchAt: null,
    ...overrides,
  };
}

function cleverKey(districtId: string): string {
  return tenantKeyString({ partner: 'clever', districtId });
}

function canvasKey(s: CanvasSettings, deploymentId: string): string {
  const key: TenantKey = { partner: 'canvas', issuer: s.issuer, clientId: s.clientId, deploymentId };
  return tenantKeyString(key);
}

async function cleverConnection(store: Store, org: Organization, dir: Directory): Promise<{ id: string; districtId: string }> {
  const districtId = `district-${uid()}`;
  const c = await store.createConnection(linked(org, dir, { partner: 'clever', districtId }));
  return { id: c.id, districtId };
}

function identity(connectionId: string, subject: string): NewExternalIdentity {
  return { connectionId, partner: 'clever', subject };
}

function audit(overrides: Partial<NewAuditEvent> = {}): NewAuditEvent {
  return {
    time: new Date('2026-01-01T00:00:00Z'),
    kind: 'launch',
    orgId: null,
    directoryId: null,
    connectionId: null,
    partner: null,
    subject: null,
    email: null,
    userId: null,
    productId: null,
    decision: 'allowed',
    reason: 'existing_license',
    requestId: null,
    actor: null,
    detail: null,
    ...overrides,
  };
}

/** For assert.rejects: the error is a StoreConflictError with this code. */
function conflict(code: StoreConflictCode) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof StoreConflictError, `expected StoreConflictError(${code}), got ${String(err)}`);
    assert.equal(err.code, code);
    return true;
  };
}

const sorted = (values: string[]): string[] => [...values].sort();
const ids = (records: { id: string }[]): string[] => sorted(records.map((r) => r.id));

// The contract

const SECTIONS: Section[] = [
  [
    'lifecycle',
    [
      [
        'init() twice is harmless and ping() answers',
        async ({ store }) => {
          await store.init();
          await store.ping();
        },
      ],
    ],
  ],
  [
    'organizations and entitlements',
    [
      [
        'creates an organization and reads it back',
        async ({ store, clock }) => {
          const org = await store.createOrganization({ name: 'Springfield District' });
          const read = await store.getOrganization(org.id);
          assert.equal(read?.name, 'Springfield District');
          assert.ok(read.createdAt instanceof Date);
          assert.equal(read.createdAt.getTime(), clock.now().getTime());
          assert.equal(await store.getOrganization(randomUUID()), null);
        },
      ],
      [
        'lists all organizations, or only the ids asked for',
        async ({ store }) => {
          const a = await store.createOrganization({ name: 'A' });
          const b = await store.createOrganization({ name: 'B' });
          const c = await store.createOrganization({ name: 'C' });
          assert.deepEqual(ids(await store.listOrganizations()), ids([a, b, c]));
          assert.deepEqual(ids(await store.listOrganizations({ ids: [a.id, c.id, randomUUID()] })), ids([a, c]));
          assert.deepEqual(await store.listOrganizations({ ids: [] }), []);
        },
      ],
      [
        'sets an entitlement, then replaces its seat count',
        async ({ store, clock }) => {
          const { org } = await seedOrg(store);
          const first = await store.setEntitlement(org.id, 'studio', 10);
          assert.equal(first.seats, 10);
          clock.advance(60_000);
          const second = await store.setEntitlement(org.id, 'studio', 25);
          assert.equal(second.seats, 25);
          assert.equal(second.createdAt.getTime(), first.createdAt.getTime());
          assert.ok(second.updatedAt.getTime() > first.updatedAt.getTime());
          assert.equal((await store.getEntitlement(org.id, 'studio'))?.seats, 25);
          assert.equal((await store.listEntitlements(org.id)).length, 1);
        },
      ],
      [
        'stores unlimited seats as null',
        async ({ store }) => {
          const { org } = await seedOrg(store);
          await store.setEntitlement(org.id, 'studio', null);
          const read = await store.getEntitlement(org.id, 'studio');
          assert.ok(read);
          assert.equal(read.seats, null);
        },
      ],
      [
        'lists entitlements per organization and deletes one',
        async ({ store }) => {
          const { org } = await seedOrg(store);
          const { org: other } = await seedOrg(store);
          await store.setEntitlement(org.id, 'studio', 5);
          await store.setEntitlement(org.id, 'reader', null);
          await store.setEntitlement(other.id, 'studio', 1);
          assert.deepEqual(sorted((await store.listEntitlements(org.id)).map((e) => e.productId)), ['reader', 'studio']);
          assert.equal(await store.deleteEntitlement(org.id, 'reader'), true);
          assert.equal(await store.deleteEntitlement(org.id, 'reader'), false);
          assert.equal(await store.getEntitlement(org.id, 'reader'), null);
          assert.equal((await store.getEntitlement(other.id, 'studio'))?.seats, 1);
        },
      ],
    ],
  ],
  [
    'directories',
    [
      [
        'creates directories with JIT on or off as the caller chooses',
        async ({ store }) => {
          const org = await store.createOrganization({ name: 'Org' });
          const on = await store.createDirectory({ orgId: org.id, name: 'Students', jitEnabled: true });
          const off = await store.createDirectory({ orgId: org.id, name: 'Staff', jitEnabled: false });
          assert.equal((await store.getDirectory(on.id))?.jitEnabled, true);
          assert.equal((await store.getDirectory(off.id))?.jitEnabled, false);
          assert.equal((await store.getDirectory(on.id))?.orgId, org.id);
          assert.equal(await store.getDirectory(randomUUID()), null);
        },
      ],
      [
        "lists only the organization's directories",
        async ({ store }) => {
          const a = await seedOrg(store);
          const b = await seedOrg(store);
          const second = await store.createDirectory({ orgId: a.org.id, name: 'Second', jitEnabled: false });
          assert.deepEqual(ids(await store.listDirectories(a.org.id)), ids([a.dir, second]));
          assert.deepEqual(ids(await store.listDirectories(b.org.id)), ids([b.dir]));
        },
      ],
      [
        'patches only the fields named',
        async ({ store, clock }) => {
          const { dir } = await seedOrg(store, false);
          clock.advance(1000);
          const renamed = await store.updateDirectory(dir.id, { name: 'Renamed' });
          assert.equal(renamed?.name, 'Renamed');
          assert.equal(renamed.jitEnabled, false);
          assert.ok(renamed.updatedAt.getTime() > dir.updatedAt.getTime());
          const jitOn = await store.updateDirectory(dir.id, { jitEnabled: true });
          assert.equal(jitOn?.name, 'Renamed');
          assert.equal(jitOn.jitEnabled, true);
          assert.equal((await store.getDirectory(dir.id))?.jitEnabled, true);
          assert.equal(await store.updateDirectory(randomUUID(), { name: 'x' }), null);
        },
      ],
    ],
  ],
  [
    'domains',
    [
      [
        'claims a domain as pending and finds it by name',
        async ({ store }) => {
          const { org, dir } = await seedOrg(store);
          const d = await store.claimDomain({ orgId: org.id, directoryId: dir.id, name: 'school.example', verificationToken: 'tok-1' });
          assert.equal(d.status, 'pending');
          assert.equal(d.verifiedAt, null);
          assert.equal(d.verifiedBy, null);
          assert.equal((await store.findDomainByName('school.example'))?.id, d.id);
          assert.equal((await store.getDomain(d.id))?.verificationToken, 'tok-1');
          assert.equal(await store.findDomainByName('other.example'), null);
        },
      ],
      [
        "refuses another organization's claim of a domain verified elsewhere (domain_taken)",
        async ({ store }) => {
          const a = await seedOrg(store);
          const b = await seedOrg(store);
          const d = await store.claimDomain({ orgId: a.org.id, directoryId: a.dir.id, name: 'school.example', verificationToken: 't1' });
          await store.markDomainVerified(d.id, 'dns', new Date());
          await assert.rejects(
            store.claimDomain({ orgId: b.org.id, directoryId: b.dir.id, name: 'School.Example', verificationToken: 't2' }),
            conflict('domain_taken'),
          );
          assert.equal((await store.findDomainByName('school.example'))?.orgId, a.org.id);
          assert.deepEqual(await store.listDomains({ orgId: b.org.id }), []);
        },
      ],
      [
        'two organizations can both hold a pending claim of one name (claiming first squats nothing)',
        async ({ store, clock }) => {
          const a = await seedOrg(store);
          const b = await seedOrg(store);
          const first = await store.claimDomain({ orgId: a.org.id, directoryId: a.dir.id, name: 'school.example', verificationToken: 't1' });
          clock.advance(1000);
          const second = await store.claimDomain({ orgId: b.org.id, directoryId: b.dir.id, name: 'school.example', verificationToken: 't2' });
          assert.notEqual(first.id, second.id);
          assert.equal(second.status, 'pending');
          assert.deepEqual(ids(await store.listDomains({ orgId: b.org.id })), [second.id]);
          assert.equal((await store.findDomainByName('school.example'))?.id, first.id, 'the oldest pending claim while none is verified');
        },
      ],
      [
        'refuses a second claim of one name by the same directory (domain_taken)',
        async ({ store }) => {
          const { org, dir } = await seedOrg(store);
          const other = await store.createDirectory({ orgId: org.id, name: 'Staff', jitEnabled: false });
          await store.claimDomain({ orgId: org.id, directoryId: dir.id, name: 'school.example', verificationToken: 't1' });
          await assert.rejects(store.claimDomain({ orgId: org.id, directoryId: dir.id, name: 'school.example', verificationToken: 't2' }), conflict('domain_taken'));
          // Another directory of the same organization is another claimant.
          await store.claimDomain({ orgId: org.id, directoryId: other.id, name: 'school.example', verificationToken: 't3' });
          assert.equal((await store.listDomains({ orgId: org.id })).length, 2);
        },
      ],
      [
        'marks a domain verified with who verified it and when',
        async ({ store }) => {
          const { org, dir } = await seedOrg(store);
          const d = await store.claimDomain({ orgId: org.id, directoryId: dir.id, name: 'school.example', verificationToken: 't' });
          const at = new Date('2026-03-01T12:00:00Z');
          const v = await store.markDomainVerified(d.id, 'dns', at);
          assert.equal(v?.domain.status, 'verified');
          assert.equal(v.domain.verifiedBy, 'dns');
          assert.equal(v.domain.verifiedAt?.getTime(), at.getTime());
          assert.deepEqual(v.removed, []);
          assert.equal((await store.findDomainByName('school.example'))?.status, 'verified');
          assert.equal(await store.markDomainVerified(randomUUID(), 'operator', at), null);
        },
      ],
      [
        "verifying one claim removes the other directories' pending claims of the name, and says which",
        async ({ store, clock }) => {
          const a = await seedOrg(store);
          const b = await seedOrg(store);
          const c = await seedOrg(store);
          const early = await store.claimDomain({ orgId: b.org.id, directoryId: b.dir.id, name: 'school.example', verificationToken: 'tb' });
          const late = await store.claimDomain({ orgId: c.org.id, directoryId: c.dir.id, name: 'school.example', verificationToken: 'tc' });
          const unrelated = await store.claimDomain({ orgId: b.org.id, directoryId: b.dir.id, name: 'other.example', verificationToken: 'tx' });
          clock.advance(1000);
          const owner = await store.claimDomain({ orgId: a.org.id, directoryId: a.dir.id, name: 'school.example', verificationToken: 'ta' });
          const v = await store.markDomainVerified(owner.id, 'operator', new Date());
          assert.equal(v?.domain.id, owner.id);
          assert.deepEqual(ids(v.removed), ids([early, late]));
          assert.equal(await store.getDomain(early.id), null);
          assert.equal(await store.getDomain(late.id), null);
          assert.equal((await store.getDomain(unrelated.id))?.status, 'pending', 'claims of other names stay');
          assert.equal((await store.findDomainByName('school.example'))?.id, owner.id, 'the verified claim, though younger');
          // The removed claim's second verification fails cleanly: there is nothing left to verify.
          assert.equal(await store.markDomainVerified(early.id, 'dns', new Date()), null);
          assert.deepEqual(ids(await store.listDomains({})).length, 2);
        },
      ],
      [
        'of two verifications of one name at once, exactly one succeeds and nothing else is left',
        async ({ store }) => {
          const a = await seedOrg(store);
          const b = await seedOrg(store);
          const da = await store.claimDomain({ orgId: a.org.id, directoryId: a.dir.id, name: 'school.example', verificationToken: 'ta' });
          const db = await store.claimDomain({ orgId: b.org.id, directoryId: b.dir.id, name: 'school.example', verificationToken: 'tb' });
          const results = await Promise.allSettled([store.markDomainVerified(da.id, 'dns', new Date()), store.markDomainVerified(db.id, 'dns', new Date())]);
          const won = results.filter((r) => r.status === 'fulfilled' && r.value !== null);
          assert.equal(won.length, 1);
          for (const r of results) {
            if (r.status === 'rejected') {
              assert.ok(r.reason instanceof StoreConflictError && r.reason.code === 'domain_taken', String(r.reason));
            }
          }
          const left = await store.listDomains({});
          assert.equal(left.length, 1);
          assert.equal(left[0]?.status, 'verified');
        },
      ],
      [
        'deleting a domain frees the name for another claim',
        async ({ store }) => {
          const a = await seedOrg(store);
          const b = await seedOrg(store);
          const d = await store.claimDomain({ orgId: a.org.id, directoryId: a.dir.id, name: 'school.example', verificationToken: 't' });
          assert.equal(await store.deleteDomain(d.id), true);
          assert.equal(await store.deleteDomain(d.id), false);
          assert.equal(await store.findDomainByName('school.example'), null);
          const again = await store.claimDomain({ orgId: b.org.id, directoryId: b.dir.id, name: 'school.example', verificationToken: 't' });
          assert.equal((await store.findDomainByName('school.example'))?.id, again.id);
        },
      ],
      [
        'lists domains by organization and by directory',
        async ({ store }) => {
          const { org, dir } = await seedOrg(store);
          const dir2 = await store.createDirectory({ orgId: org.id, name: 'Staff', jitEnabled: false });
          const other = await seedOrg(store);
          const d1 = await store.claimDomain({ orgId: org.id, directoryId: dir.id, name: 'a.example', verificationToken: 't' });
          const d2 = await store.claimDomain({ orgId: org.id, directoryId: dir2.id, name: 'b.example', verificationToken: 't' });
          await store.claimDomain({ orgId: other.org.id, directoryId: other.dir.id, name: 'c.example', verificationToken: 't' });
          assert.deepEqual(ids(await store.listDomains({ orgId: org.id })), ids([d1, d2]));
          assert.deepEqual(ids(await store.listDomains({ directoryId: dir2.id })), ids([d2]));
          assert.equal((await store.listDomains({})).length, 3);
        },
      ],
    ],
  ],
  [
    'connections',
    [
      [
        'finds a Canvas connection by the tenant key of each of its deployment ids',
        async ({ store }) => {
          const { org, dir } = await seedOrg(store);
          const settings = canvas({ deploymentIds: ['1:aaa', '2:bbb'] });
          const c = await store.createConnection(linked(org, dir, settings));
          assert.equal(c.partner, 'canvas');
          assert.deepEqual(c.settings, settings);
          assert.equal((await store.findConnectionByTenantKey(canvasKey(settings, '1:aaa')))?.id, c.id);
          assert.equal((await store.findConnectionByTenantKey(canvasKey(settings, '2:bbb')))?.id, c.id);
          assert.equal(await store.findConnectionByTenantKey(canvasKey(settings, '3:ccc')), null);
          const otherClient = canvas({ clientId: '99', deploymentIds: ['1:aaa'] });
          assert.equal(await store.findConnectionByTenantKey(canvasKey(otherClient, '1:aaa')), null);
        },
      ],
      [
        'finds Clever and ClassLink connections by their tenant keys',
        async ({ store }) => {
          const { org, dir } = await seedOrg(store);
          const cl = await store.createConnection(linked(org, dir, { partner: 'clever', districtId: 'd-1' }));
          const ck = await store.createConnection(linked(org, dir, { partner: 'classlink', tenantId: 't-1' }));
          assert.equal((await store.findConnectionByTenantKey(cleverKey('d-1')))?.id, cl.id);
          assert.equal((await store.findConnectionByTenantKey(tenantKeyString({ partner: 'classlink', tenantId: 't-1' })))?.id, ck.id);
          // The same id under another partner is another tenant.
          assert.equal(await store.findConnectionByTenantKey(tenantKeyString({ partner: 'classlink', tenantId: 'd-1' })), null);
          const read = await store.getConnection(ck.id);
          assert.equal(read?.partner, 'classlink');
          assert.equal(read.enabled, true);
          assert.equal(read.trustEmail, false);
        },
      ],
      [
        "refuses a tenant that another directory's connection holds (tenant_taken), writing nothing",
        async ({ store }) => {
          const a = await seedOrg(store);
          const b = await seedOrg(store);
          const first = await store.createConnection(linked(a.org, a.dir, canvas({ deploymentIds: ['1:aaa'] })));
          await assert.rejects(
            store.createConnection(linked(b.org, b.dir, canvas({ deploymentIds: ['9:zzz', '1:aaa'] }))),
            conflict('tenant_taken'),
          );
          assert.equal((await store.findConnectionByTenantKey(canvasKey(canvas(), '1:aaa')))?.id, first.id);
          assert.equal(await store.findConnectionByTenantKey(canvasKey(canvas(), '9:zzz')), null);
          assert.deepEqual(await store.listConnections({ orgId: b.org.id }), []);
          await assert.rejects(
            store.createConnection(linked(b.org, b.dir, { partner: 'clever', districtId: 'x' })).then(() =>
              store.createConnection(linked(a.org, a.dir, { partner: 'clever', districtId: 'x' })),
            ),
            conflict('tenant_taken'),
          );
        },
      ],
      [
        'finds Canvas connections by issuer and client id, pending ones included',
        async ({ store }) => {
          const { org, dir } = await seedOrg(store);
          const live = await store.createConnection(linked(org, dir, canvas({ deploymentIds: ['1:a'] })));
          const pending = await store.createConnection({
            status: 'pending',
            orgId: null,
            directoryId: null,
            settings: canvas({ deploymentIds: ['2:b'] }),
            enabled: true,
            trustEmail: false,
            label: 'Canvas at Example',
          });
          await store.createConnection(linked(org, dir, canvas({ clientId: 'other', deploymentIds: ['1:a'] })));
          await store.createConnection(linked(org, dir, { partner: 'clever', districtId: 'd' }));
          const found = await store.findCanvasConnections(canvas().issuer, canvas().clientId);
          assert.deepEqual(ids(found), ids([live, pending]));
          assert.equal(found.find((c) => c.id === pending.id)?.label, 'Canvas at Example');
          assert.deepEqual(await store.findCanvasConnections('https://nowhere.example', canvas().clientId), []);
        },
      ],
      [
        'an update re-keys: the old deployment is no longer found, the new one is',
        async ({ store, clock }) => {
          const { org, dir } = await seedOrg(store);
          const c = await store.createConnection(linked(org, dir, canvas({ deploymentIds: ['1:old'] })));
          clock.advance(1000);
          const updated = await store.updateConnection(c.id, { settings: canvas({ deploymentIds: ['2:new', '3:more'] }) });
          assert.deepEqual(updated?.settings, canvas({ deploymentIds: ['2:new', '3:more'] }));
          assert.ok(updated.updatedAt.getTime() > c.updatedAt.getTime());
          assert.equal(await store.findConnectionByTenantKey(canvasKey(canvas(), '1:old')), null);
          assert.equal((await store.findConnectionByTenantKey(canvasKey(canvas(), '2:new')))?.id, c.id);
          assert.equal((await store.findConnectionByTenantKey(canvasKey(canvas(), '3:more')))?.id, c.id);
          // The freed key can be taken by another connection.
          await store.createConnection(linked(org, dir, canvas({ deploymentIds: ['1:old'] })));
        },
      ],
      [
        "refuses an update onto another connection's tenant, leaving both as they were",
        async ({ store }) => {
          const { org, dir } = await seedOrg(store);
          const a = await store.createConnection(linked(org, dir, { partner: 'clever', districtId: 'a' }));
          const b = await store.createConnection(linked(org, dir, { partner: 'clever', districtId: 'b' }));
          await assert.rejects(store.updateConnection(b.id, { settings: { partner: 'clever', districtId: 'a' } }), conflict('tenant_taken'));
          assert.equal((await store.findConnectionByTenantKey(cleverKey('a')))?.id, a.id);
          assert.equal((await store.findConnectionByTenantKey(cleverKey('b')))?.id, b.id);
          assert.deepEqual((await store.getConnection(b.id))?.settings, { partner: 'clever', districtId: 'b' });
        },
      ],
      [
        'links a pending connection to a directory, keeping its tenant keys',
        async ({ store }) => {
          const { org, dir } = await seedOrg(store);
          const settings = canvas({ deploymentIds: ['1:a'] });
          const p = await store.createConnection({ status: 'pending', orgId: null, directoryId: null, settings, enabled: true, trustEmail: false, label: null });
          assert.equal((await store.findConnectionByTenantKey(canvasKey(settings, '1:a')))?.status, 'pending');
          const l = await store.updateConnection(p.id, { status: 'linked', orgId: org.id, directoryId: dir.id, trustEmail: true });
          assert.equal(l?.status, 'linked');
          assert.equal(l.trustEmail, true);
          assert.equal(l.label, null);
          const found = await store.findConnectionByTenantKey(canvasKey(settings, '1:a'));
          assert.equal(found?.status, 'linked');
          assert.equal(found.directoryId, dir.id);
          assert.equal(found.orgId, org.id);
          assert.equal(await store.updateConnection(randomUUID(), { enabled: false }), null);
        },
      ],
      [
        'links a pending connection only once when two admins link it at the same time',
        async ({ store }) => {
          const { org, dir } = await seedOrg(store);
          const other = await store.createDirectory({ orgId: org.id, name: 'Other', jitEnabled: false });
          const p = await store.createConnection({ status: 'pending', orgId: null, directoryId: null, settings: canvas({ deploymentIds: ['9:z'] }), enabled: true, trustEmail: true, label: null });
          const results = await Promise.all(
            [dir, other, dir, other].map((d) => store.updateConnection(p.id, { status: 'linked', orgId: org.id, directoryId: d.id }, { status: 'pending' })),
          );
          const winners = results.filter((r) => r !== null);
          assert.equal(winners.length, 1);
          assert.equal((await store.getConnection(p.id))?.directoryId, winners[0]!.directoryId);
        },
      ],
      [
        'deleting a connection frees its tenant keys',
        async ({ store }) => {
          const { org, dir } = await seedOrg(store);
          const settings = canvas({ deploymentIds: ['1:a', '2:b'] });
          const c = await store.createConnection(linked(org, dir, settings));
          assert.equal(await store.deleteConnection(c.id), true);
          assert.equal(await store.deleteConnection(c.id), false);
          assert.equal(await store.getConnection(c.id), null);
          assert.equal(await store.findConnectionByTenantKey(canvasKey(settings, '2:b')), null);
          const again = await store.createConnection(linked(org, dir, settings));
          assert.equal((await store.findConnectionByTenantKey(canvasKey(settings, '1:a')))?.id, again.id);
        },
      ],
      [
        'lists connections by organization, directory, status and partner',
        async ({ store }) => {
          const { org, dir } = await seedOrg(store);
          const dir2 = await store.createDirectory({ orgId: org.id, name: 'Second', jitEnabled: true });
          const other = await seedOrg(store);
          const c1 = await store.createConnection(linked(org, dir, { partner: 'clever', districtId: 'c1' }));
          const c2 = await store.createConnection(linked(org, dir2, { partner: 'classlink', tenantId: 'c2' }));
          const c3 = await store.createConnection(linked(other.org, other.dir, canvas()));
          const p = await store.createConnection({ status: 'pending', orgId: null, directoryId: null, settings: canvas({ clientId: 'p' }), enabled: true, trustEmail: false, label: null });
          assert.deepEqual(ids(await store.listConnections({ orgId: org.id })), ids([c1, c2]));
          assert.deepEqual(ids(await store.listConnections({ directoryId: dir2.id })), ids([c2]));
          assert.deepEqual(ids(await store.listConnections({ status: 'pending' })), ids([p]));
          assert.deepEqual(ids(await store.listConnections({ partner: 'canvas' })), ids([c3, p]));
          assert.deepEqual(ids(await store.listConnections({ partner: 'canvas', status: 'linked' })), ids([c3]));
          assert.equal((await store.listConnections({})).length, 4);
        },
      ],
    ],
  ],
  [
    'users and external identities',
    [
      [
        'creates a user with its identity, found by identity, by email and by id',
        async ({ store, clock }) => {
          const { org, dir } = await seedOrg(store);
          const conn = await cleverConnection(store, org, dir);
          const launchedAt = new Date('2026-02-02T10:00:00Z');
          const r = await store.createUser(newUser(org, dir, { email: 'ada@school.example', roles: ['student', 'teacher'], lastLaunchAt: launchedAt }), identity(conn.id, 'sub-1'));
          assert.equal(r.created, true);
          assert.equal(r.user.status, 'active');
          assert.deepEqual(r.user.roles, ['student', 'teacher']);
          assert.deepEqual(r.user.rawRoles, ['http://purl.imsglobal.org/vocab/lis/v2/membership#Learner']);
          assert.equal(r.user.lastLaunchAt?.getTime(), launchedAt.getTime());
          assert.equal(r.user.createdAt.getTime(), clock.now().getTime());
          assert.equal((await store.findUserByExternalIdentity(conn.id, 'sub-1'))?.id, r.user.id);
          assert.equal((await store.findUserByEmail(dir.id, 'ada@school.example'))?.id, r.user.id);
          assert.deepEqual(await store.getUser(r.user.id), r.user);
          assert.equal(await store.findUserByExternalIdentity(conn.id, 'sub-2'), null);
          const identities = await store.listExternalIdentities(r.user.id);
          assert.deepEqual(
            identities.map((i) => [i.connectionId, i.partner, i.subject]),
            [[conn.id, 'clever', 'sub-1']],
          );
        },
      ],
      [
        'returns the existing user, writing nothing, when the identity already exists',
        async ({ store }) => {
          const { org, dir } = await seedOrg(store);
          const conn = await cleverConnection(store, org, dir);
          const first = await store.createUser(newUser(org, dir, { email: 'a@school.example' }), identity(conn.id, 's'));
          const second = await store.createUser(newUser(org, dir, { email: 'b@school.example' }), identity(conn.id, 's'));
          assert.equal(second.created, false);
          assert.equal(second.user.id, first.user.id);
          assert.equal(await store.findUserByEmail(dir.id, 'b@school.example'), null);
          assert.equal((await store.listUsers({ directoryId: dir.id }, { limit: 10, offset: 0 })).total, 1);
        },
      ],
      [
        'returns the existing user when the email is already in the directory',
        async ({ store }) => {
          const { org, dir } = await seedOrg(store);
          const conn = await cleverConnection(store, org, dir);
          const first = await store.createUser(newUser(org, dir, { email: 'ada@school.example', createdBy: 'admin' }));
          const second = await store.createUser(newUser(org, dir, { email: 'ada@school.example' }), identity(conn.id, 'new-sub'));
          assert.equal(second.created, false);
          assert.equal(second.user.id, first.user.id);
          assert.equal(second.user.createdBy, 'admin');
          // Nothing was written: the identity is not linked as a side effect.
          assert.equal(await store.findUserByExternalIdentity(conn.id, 'new-sub'), null);
        },
      ],
      [
        'allows the same email in another directory',
        async ({ store }) => {
          const a = await seedOrg(store);
          const b = await seedOrg(store);
          const ua = await store.createUser(newUser(a.org, a.dir, { email: 'same@school.example' }));
          const ub = await store.createUser(newUser(b.org, b.dir, { email: 'same@school.example' }));
          assert.equal(ub.created, true);
          assert.notEqual(ua.user.id, ub.user.id);
          assert.equal((await store.findUserByEmail(a.dir.id, 'same@school.example'))?.id, ua.user.id);
          assert.equal((await store.findUserByEmail(b.dir.id, 'same@school.example'))?.id, ub.user.id);
        },
      ],
      [
        'creates several users without email in one directory',
        async ({ store }) => {
          const { org, dir } = await seedOrg(store);
          const conn = await cleverConnection(store, org, dir);
          const a = await store.createUser(newUser(org, dir, { email: null }), identity(conn.id, 'a'));
          const b = await store.createUser(newUser(org, dir, { email: null }), identity(conn.id, 'b'));
          assert.equal(a.created && b.created, true);
          assert.equal(a.user.email, null);
          assert.notEqual(a.user.id, b.user.id);
        },
      ],
      [
        'searches users case-insensitively over email, given, family and display name',
        async ({ store }) => {
          const { org, dir } = await seedOrg(store);
          const grace = await store.createUser(newUser(org, dir, { email: 'ghopper@navy.example', givenName: 'Grace', familyName: 'Hopper', displayName: 'Amazing Grace' }));
          const alan = await store.createUser(newUser(org, dir, { email: 'alan@bletchley.example', givenName: 'Alan', familyName: 'Turing', displayName: null }));
          const search = async (s: string) => ids((await store.listUsers({ search: s }, { limit: 50, offset: 0 })).items);
          assert.deepEqual(await search('HOPPER'), ids([grace.user]));
          assert.deepEqual(await search('navy'), ids([grace.user]));
          assert.deepEqual(await search('amazing'), ids([grace.user]));
          assert.deepEqual(await search('tUr'), ids([alan.user]));
          assert.deepEqual(await search('a'), ids([grace.user, alan.user]));
          assert.deepEqual(await search('nobody'), []);
        },
      ],
      [
        'treats % and _ in a search as the characters themselves',
        async ({ store }) => {
          const { org, dir } = await seedOrg(store);
          const percent = await store.createUser(newUser(org, dir, { displayName: '100% Certain' }));
          const underscore = await store.createUser(newUser(org, dir, { email: 'first_last@school.example', displayName: null }));
          await store.createUser(newUser(org, dir, { email: 'firstxlast@school.example', displayName: 'Plain' }));
          const search = async (s: string) => ids((await store.listUsers({ search: s }, { limit: 50, offset: 0 })).items);
          assert.deepEqual(await search('%'), ids([percent.user]));
          assert.deepEqual(await search('0% c'), ids([percent.user]));
          assert.deepEqual(await search('first_last'), ids([underscore.user]));
          assert.deepEqual(await search('_'), ids([underscore.user]));
        },
      ],
      [
        'pages users with a total, each user on exactly one page',
        async ({ store }) => {
          const { org, dir } = await seedOrg(store);
          const created = [];
          for (let i = 0; i < 7; i++) created.push((await store.createUser(newUser(org, dir))).user);
          const seen: string[] = [];
          for (let offset = 0; offset < 9; offset += 3) {
            const page = await store.listUsers({ orgId: org.id }, { limit: 3, offset });
            assert.equal(page.total, 7);
            assert.equal(page.items.length, Math.min(3, 7 - offset));
            seen.push(...page.items.map((u) => u.id));
          }
          assert.deepEqual(sorted(seen), ids(created));
          const beyond = await store.listUsers({ orgId: org.id }, { limit: 3, offset: 30 });
          assert.deepEqual(beyond, { items: [], total: 7 });
        },
      ],
      [
        'filters users by organization, directory and status',
        async ({ store }) => {
          const { org, dir } = await seedOrg(store);
          const dir2 = await store.createDirectory({ orgId: org.id, name: 'Staff', jitEnabled: false });
          const other = await seedOrg(store);
          const u1 = (await store.createUser(newUser(org, dir))).user;
          const u2 = (await store.createUser(newUser(org, dir2))).user;
          await store.createUser(newUser(other.org, other.dir));
          await store.setUserStatus(u2.id, 'blocked');
          const list = async (f: Parameters<Store['listUsers']>[0]) => ids((await store.listUsers(f, { limit: 50, offset: 0 })).items);
          assert.deepEqual(await list({ orgId: org.id }), ids([u1, u2]));
          assert.deepEqual(await list({ directoryId: dir2.id }), ids([u2]));
          assert.deepEqual(await list({ orgId: org.id, status: 'active' }), ids([u1]));
          assert.deepEqual(await list({ status: 'blocked' }), ids([u2]));
          assert.equal((await store.listUsers({}, { limit: 50, offset: 0 })).total, 3);
        },
      ],
      [
        'links a further identity to a user',
        async ({ store }) => {
          const { org, dir } = await seedOrg(store);
          const c1 = await cleverConnection(store, org, dir);
          const c2 = await cleverConnection(store, org, dir);
          const u = (await store.createUser(newUser(org, dir), identity(c1.id, 's1'))).user;
          const r = await store.linkExternalIdentity(u.id, identity(c2.id, 's2'));
          assert.equal(r.linked, true);
          assert.equal(r.linked && r.identity.userId, u.id);
          assert.equal((await store.findUserByExternalIdentity(c2.id, 's2'))?.id, u.id);
          assert.deepEqual(sorted((await store.listExternalIdentities(u.id)).map((i) => i.subject)), ['s1', 's2']);
          // Linking it again reports the owner, which is this user.
          assert.deepEqual(await store.linkExternalIdentity(u.id, identity(c2.id, 's2')), { linked: false, userId: u.id });
        },
      ],
      [
        "refuses to link an identity that belongs to another user, and reports the owner",
        async ({ store }) => {
          const { org, dir } = await seedOrg(store);
          const c = await cleverConnection(store, org, dir);
          const owner = (await store.createUser(newUser(org, dir), identity(c.id, 'taken'))).user;
          const intruder = (await store.createUser(newUser(org, dir))).user;
          assert.deepEqual(await store.linkExternalIdentity(intruder.id, identity(c.id, 'taken')), { linked: false, userId: owner.id });
          assert.equal((await store.findUserByExternalIdentity(c.id, 'taken'))?.id, owner.id);
          assert.deepEqual(await store.listExternalIdentities(intruder.id), []);
        },
      ],
      [
        'updates names and roles and records the launch, keeping what is not given',
        async ({ store, clock }) => {
          const { org, dir } = await seedOrg(store);
          const u = (await store.createUser(newUser(org, dir, { email: 'ada@school.example', givenName: 'Ada', familyName: 'Lovelace' }))).user;
          clock.advance(5000);
          const launched = new Date(clock.now().getTime());
          const updated = await store.updateUserProfile(u.id, { givenName: 'Augusta', roles: ['teacher'], rawRoles: ['Instructor'] }, launched);
          assert.equal(updated?.givenName, 'Augusta');
          assert.equal(updated.familyName, 'Lovelace');
          assert.equal(updated.email, 'ada@school.example');
          assert.deepEqual(updated.roles, ['teacher']);
          assert.deepEqual(updated.rawRoles, ['Instructor']);
          assert.equal(updated.lastLaunchAt?.getTime(), launched.getTime());
          assert.ok(updated.updatedAt.getTime() > u.updatedAt.getTime());
          const emailChanged = await store.updateUserProfile(u.id, { email: 'ada.l@school.example' });
          assert.equal(emailChanged?.email, 'ada.l@school.example');
          assert.equal(emailChanged.lastLaunchAt?.getTime(), launched.getTime());
          assert.equal((await store.findUserByEmail(dir.id, 'ada.l@school.example'))?.id, u.id);
          assert.equal(await store.updateUserProfile(randomUUID(), { givenName: 'x' }), null);
        },
      ],
      [
        'refuses a profile email that another user of the directory has (email_taken)',
        async ({ store }) => {
          const { org, dir } = await seedOrg(store);
          await store.createUser(newUser(org, dir, { email: 'taken@school.example' }));
          const u = (await store.createUser(newUser(org, dir, { email: 'mine@school.example' }))).user;
          await assert.rejects(store.updateUserProfile(u.id, { email: 'taken@school.example' }), conflict('email_taken'));
          assert.equal((await store.getUser(u.id))?.email, 'mine@school.example');
        },
      ],
      [
        'blocks and unblocks a user',
        async ({ store }) => {
          const { org, dir } = await seedOrg(store);
          const u = (await store.createUser(newUser(org, dir))).user;
          assert.equal((await store.setUserStatus(u.id, 'blocked'))?.status, 'blocked');
          assert.equal((await store.getUser(u.id))?.status, 'blocked');
          assert.equal((await store.setUserStatus(u.id, 'active'))?.status, 'active');
          assert.equal(await store.setUserStatus(randomUUID(), 'blocked'), null);
        },
      ],
    ],
  ],
  [
    'licenses',
    [
      [
        'assigns a license once; assigning again reports the existing one',
        async ({ store }) => {
          const { org, dir } = await seedOrg(store);
          await store.setEntitlement(org.id, 'studio', 10);
          const u = (await store.createUser(newUser(org, dir))).user;
          const input = { userId: u.id, orgId: org.id, directoryId: dir.id, productId: 'studio', source: 'jit' as const };
          const first = await store.assignLicense(input);
          assert.equal(first.outcome, 'assigned');
          assert.ok(first.outcome === 'assigned');
          assert.equal(first.license.userId, u.id);
          assert.equal(first.license.source, 'jit');
          const again = await store.assignLicense({ ...input, source: 'admin' });
          assert.equal(again.outcome, 'exists');
          assert.ok(again.outcome === 'exists');
          assert.equal(again.license.id, first.license.id);
          assert.equal(again.license.source, 'jit');
          assert.equal((await store.getLicense(u.id, 'studio'))?.id, first.license.id);
          assert.equal(await store.countLicenses(org.id, 'studio'), 1);
        },
      ],
      [
        'refuses without an entitlement (no_entitlement)',
        async ({ store }) => {
          const { org, dir } = await seedOrg(store);
          await store.setEntitlement(org.id, 'reader', 10);
          const u = (await store.createUser(newUser(org, dir))).user;
          assert.deepEqual(
            await store.assignLicense({ userId: u.id, orgId: org.id, directoryId: dir.id, productId: 'studio', source: 'jit' }),
            { outcome: 'no_entitlement' },
          );
          assert.equal(await store.getLicense(u.id, 'studio'), null);
        },
      ],
      [
        'assigns exactly as many licenses as seats, then refuses (no_seats)',
        async ({ store }) => {
          const { org, dir } = await seedOrg(store);
          await store.setEntitlement(org.id, 'studio', 3);
          const outcomes: string[] = [];
          for (let i = 0; i < 4; i++) {
            const u = (await store.createUser(newUser(org, dir))).user;
            outcomes.push((await store.assignLicense({ userId: u.id, orgId: org.id, directoryId: dir.id, productId: 'studio', source: 'jit' })).outcome);
          }
          assert.deepEqual(outcomes, ['assigned', 'assigned', 'assigned', 'no_seats']);
          assert.equal(await store.countLicenses(org.id, 'studio'), 3);
        },
      ],
      [
        'assigns without limit when seats are unlimited',
        async ({ store }) => {
          const { org, dir } = await seedOrg(store);
          await store.setEntitlement(org.id, 'studio', null);
          for (let i = 0; i < 12; i++) {
            const u = (await store.createUser(newUser(org, dir))).user;
            const r = await store.assignLicense({ userId: u.id, orgId: org.id, directoryId: dir.id, productId: 'studio', source: 'jit' });
            assert.equal(r.outcome, 'assigned');
          }
          assert.equal(await store.countLicenses(org.id, 'studio'), 12);
        },
      ],
      [
        'revoking a license frees its seat',
        async ({ store }) => {
          const { org, dir } = await seedOrg(store);
          await store.setEntitlement(org.id, 'studio', 1);
          const a = (await store.createUser(newUser(org, dir))).user;
          const b = (await store.createUser(newUser(org, dir))).user;
          const assign = (userId: string) => store.assignLicense({ userId, orgId: org.id, directoryId: dir.id, productId: 'studio', source: 'admin' });
          assert.equal((await assign(a.id)).outcome, 'assigned');
          assert.equal((await assign(b.id)).outcome, 'no_seats');
          assert.equal(await store.revokeLicense(a.id, 'studio'), true);
          assert.equal(await store.revokeLicense(a.id, 'studio'), false);
          assert.equal(await store.getLicense(a.id, 'studio'), null);
          assert.equal((await assign(b.id)).outcome, 'assigned');
        },
      ],
      [
        'lowering seats below those in use keeps the licenses but gives out no new ones',
        async ({ store }) => {
          const { org, dir } = await seedOrg(store);
          await store.setEntitlement(org.id, 'studio', 3);
          const users = [];
          for (let i = 0; i < 4; i++) users.push((await store.createUser(newUser(org, dir))).user);
          const assign = (userId: string) => store.assignLicense({ userId, orgId: org.id, directoryId: dir.id, productId: 'studio', source: 'jit' });
          for (const u of users.slice(0, 3)) await assign(u.id);
          await store.setEntitlement(org.id, 'studio', 1);
          assert.equal(await store.countLicenses(org.id, 'studio'), 3);
          assert.equal((await assign(users[3]!.id)).outcome, 'no_seats');
          assert.equal((await assign(users[0]!.id)).outcome, 'exists');
        },
      ],
      [
        'lists licenses by user, organization and product',
        async ({ store }) => {
          const { org, dir } = await seedOrg(store);
          const other = await seedOrg(store);
          await store.setEntitlement(org.id, 'studio', null);
          await store.setEntitlement(org.id, 'reader', null);
          await store.setEntitlement(other.org.id, 'studio', null);
          const u = (await store.createUser(newUser(org, dir))).user;
          const v = (await store.createUser(newUser(other.org, other.dir))).user;
          const l1 = await store.assignLicense({ userId: u.id, orgId: org.id, directoryId: dir.id, productId: 'studio', source: 'jit' });
          const l2 = await store.assignLicense({ userId: u.id, orgId: org.id, directoryId: dir.id, productId: 'reader', source: 'admin' });
          const l3 = await store.assignLicense({ userId: v.id, orgId: other.org.id, directoryId: other.dir.id, productId: 'studio', source: 'jit' });
          assert.ok(l1.outcome === 'assigned' && l2.outcome === 'assigned' && l3.outcome === 'assigned');
          assert.deepEqual(ids(await store.listLicenses({ userId: u.id })), ids([l1.license, l2.license]));
          assert.deepEqual(ids(await store.listLicenses({ productId: 'studio' })), ids([l1.license, l3.license]));
          assert.deepEqual(ids(await store.listLicenses({ orgId: other.org.id })), ids([l3.license]));
          assert.deepEqual(ids(await store.listLicenses({ orgId: org.id, productId: 'reader' })), ids([l2.license]));
          assert.equal(await store.countLicenses(other.org.id, 'studio'), 1);
        },
      ],
    ],
  ],
  [
    'audit',
    [
      [
        'appends an event and reads it back whole',
        async ({ store }) => {
          const e = audit({
            orgId: 'org-1',
            directoryId: 'dir-1',
            connectionId: 'conn-1',
            partner: 'canvas',
            subject: 'sub-1',
            email: 'ada@school.example',
            userId: 'user-1',
            productId: 'studio',
            decision: 'refused',
            reason: 'no_seats',
            requestId: 'req-1',
            detail: { seats: 40, nested: { ok: true }, list: [1, 'two'] },
          });
          const saved = await store.appendAudit(e);
          assert.ok(saved.id);
          assert.deepEqual(saved, { id: saved.id, ...e });
          assert.deepEqual(await store.getAuditEvent(saved.id), saved);
          assert.equal(await store.getAuditEvent(randomUUID()), null);
          const admin = await store.appendAudit(audit({ kind: 'admin', decision: null, reason: 'domain.verified', actor: 'operator' }));
          assert.equal((await store.getAuditEvent(admin.id))?.actor, 'operator');
          assert.equal((await store.getAuditEvent(admin.id))?.detail, null);
        },
      ],
      [
        'lists newest first, and events of the same time newest-inserted first',
        async ({ store }) => {
          const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
          const order = ['b-middle', 'a-old', 'c-new', 'd-tie-1', 'e-tie-2'];
          const times = [t(10), t(5), t(20), t(15), t(15)];
          for (let i = 0; i < order.length; i++) await store.appendAudit(audit({ time: times[i]!, requestId: order[i]! }));
          const page = await store.listAudit({}, { limit: 10, offset: 0 });
          assert.deepEqual(page.items.map((e) => e.requestId), ['c-new', 'e-tie-2', 'd-tie-1', 'b-middle', 'a-old']);
          assert.equal(page.total, 5);
        },
      ],
      [
        'filters by every field of the filter',
        async ({ store }) => {
          const base = { time: new Date('2026-01-01T00:00:00Z') };
          const a = await store.appendAudit(audit({ ...base, orgId: 'o1', directoryId: 'd1', partner: 'canvas', userId: 'u1', decision: 'allowed', reason: 'user_created' }));
          const b = await store.appendAudit(audit({ ...base, orgId: 'o1', directoryId: 'd2', partner: 'clever', userId: 'u2', decision: 'refused', reason: 'no_seats' }));
          const c = await store.appendAudit(audit({ ...base, orgId: 'o2', directoryId: 'd3', kind: 'admin', decision: null, reason: 'domain.verified', actor: 'cli' }));
          const list = async (f: Parameters<Store['listAudit']>[0]) => ids((await store.listAudit(f, { limit: 10, offset: 0 })).items);
          const ab = ids([a, b]);
          assert.deepEqual(await list({ orgId: 'o1' }), ab);
          assert.deepEqual(await list({ directoryId: 'd2' }), ids([b]));
          assert.deepEqual(await list({ kind: 'admin' }), ids([c]));
          assert.deepEqual(await list({ kind: 'launch' }), ab);
          assert.deepEqual(await list({ decision: 'refused' }), ids([b]));
          assert.deepEqual(await list({ reason: 'user_created' }), ids([a]));
          assert.deepEqual(await list({ partner: 'clever' }), ids([b]));
          assert.deepEqual(await list({ userId: 'u1' }), ids([a]));
          assert.deepEqual(await list({ orgId: 'o1', decision: 'allowed' }), ids([a]));
          assert.deepEqual(await list({ orgId: 'o2', decision: 'allowed' }), []);
        },
      ],
      [
        'orgId null selects exactly the events of no organization (refusals of unlinked tenants)',
        async ({ store }) => {
          const stray = await store.appendAudit(audit({ orgId: null, reason: 'connection_not_linked', decision: 'refused' }));
          const owned = await store.appendAudit(audit({ orgId: 'o1', reason: 'user_created', decision: 'allowed' }));
          const list = async (f: Parameters<Store['listAudit']>[0]) => ids((await store.listAudit(f, { limit: 10, offset: 0 })).items);
          assert.deepEqual(await list({ orgId: null }), ids([stray]));
          assert.deepEqual(await list({ orgId: null, decision: 'allowed' }), []);
          assert.deepEqual(await list({}), ids([stray, owned]));
          assert.equal(await store.countAudit({ orgId: null }), 1);
        },
      ],
      [
        'filters by a time window',
        async ({ store }) => {
          const day = (d: number) => new Date(Date.UTC(2026, 0, d, 12));
          const events: AuditEvent[] = [];
          for (let d = 1; d <= 5; d++) events.push(await store.appendAudit(audit({ time: day(d) })));
          const since = new Date(Date.UTC(2026, 0, 2));
          const until = new Date(Date.UTC(2026, 0, 4));
          const list = async (f: Parameters<Store['listAudit']>[0]) => ids((await store.listAudit(f, { limit: 10, offset: 0 })).items);
          assert.deepEqual(await list({ since }), ids(events.slice(1)));
          assert.deepEqual(await list({ until }), ids(events.slice(0, 3)));
          assert.deepEqual(await list({ since, until }), ids(events.slice(1, 3)));
          assert.equal(await store.countAudit({ since, until }), 2);
        },
      ],
      [
        'pages with a total, and countAudit agrees with the total',
        async ({ store }) => {
          for (let i = 0; i < 12; i++) {
            await store.appendAudit(audit({ time: new Date(Date.UTC(2026, 0, 1, 0, i)), orgId: i % 2 === 0 ? 'even' : 'odd', requestId: `r${i}` }));
          }
          const first = await store.listAudit({ orgId: 'even' }, { limit: 4, offset: 0 });
          const second = await store.listAudit({ orgId: 'even' }, { limit: 4, offset: 4 });
          assert.equal(first.total, 6);
          assert.deepEqual(first.items.map((e) => e.requestId), ['r10', 'r8', 'r6', 'r4']);
          assert.deepEqual(second.items.map((e) => e.requestId), ['r2', 'r0']);
          assert.equal(await store.countAudit({ orgId: 'even' }), 6);
          assert.equal(await store.countAudit({}), 12);
          assert.equal(await store.countAudit({ orgId: 'none' }), 0);
        },
      ],
    ],
  ],
  [
    'api tokens',
    [
      [
        'creates a token and finds it by its hash',
        async ({ store, clock }) => {
          const { org } = await seedOrg(store);
          const t = await store.createApiToken({ name: 'ci', role: 'org_admin', orgId: org.id, tokenHash: 'a'.repeat(64) });
          assert.equal(t.lastUsedAt, null);
          assert.equal(t.revokedAt, null);
          assert.equal(t.createdAt.getTime(), clock.now().getTime());
          assert.deepEqual(await store.findApiTokenByHash('a'.repeat(64)), t);
          assert.equal(await store.findApiTokenByHash('b'.repeat(64)), null);
        },
      ],
      [
        'refuses a second token with the same hash (duplicate)',
        async ({ store }) => {
          await store.createApiToken({ name: 'one', role: 'operator', orgId: null, tokenHash: 'c'.repeat(64) });
          await assert.rejects(
            store.createApiToken({ name: 'two', role: 'operator', orgId: null, tokenHash: 'c'.repeat(64) }),
            conflict('duplicate'),
          );
          assert.equal((await store.findApiTokenByHash('c'.repeat(64)))?.name, 'one');
        },
      ],
      [
        'revokes a token: the revocation time is recorded for the caller to refuse it',
        async ({ store }) => {
          const t = await store.createApiToken({ name: 'old', role: 'operator', orgId: null, tokenHash: 'd'.repeat(64) });
          const at = new Date('2026-04-01T00:00:00Z');
          assert.equal(await store.revokeApiToken(t.id, at), true);
          assert.equal((await store.findApiTokenByHash('d'.repeat(64)))?.revokedAt?.getTime(), at.getTime());
          assert.equal(await store.revokeApiToken(randomUUID(), at), false);
        },
      ],
      [
        'records when a token was last used',
        async ({ store }) => {
          const t = await store.createApiToken({ name: 'used', role: 'operator', orgId: null, tokenHash: 'e'.repeat(64) });
          const at = new Date('2026-05-01T00:00:00Z');
          await store.touchApiToken(t.id, at);
          assert.equal((await store.findApiTokenByHash('e'.repeat(64)))?.lastUsedAt?.getTime(), at.getTime());
        },
      ],
      [
        'lists tokens by organization (null: operator tokens) and by role',
        async ({ store }) => {
          const a = await seedOrg(store);
          const b = await seedOrg(store);
          const op = await store.createApiToken({ name: 'op', role: 'operator', orgId: null, tokenHash: '1'.repeat(64) });
          const ta = await store.createApiToken({ name: 'a', role: 'org_admin', orgId: a.org.id, tokenHash: '2'.repeat(64) });
          const tb = await store.createApiToken({ name: 'b', role: 'org_admin', orgId: b.org.id, tokenHash: '3'.repeat(64) });
          assert.deepEqual(ids(await store.listApiTokens({})), ids([op, ta, tb]));
          assert.deepEqual(ids(await store.listApiTokens({ orgId: null })), ids([op]));
          assert.deepEqual(ids(await store.listApiTokens({ orgId: a.org.id })), ids([ta]));
          assert.deepEqual(ids(await store.listApiTokens({ role: 'org_admin' })), ids([ta, tb]));
          assert.deepEqual(ids(await store.listApiTokens({ role: 'operator' })), ids([op]));
        },
      ],
    ],
  ],
  [
    'admin accounts',
    [
      [
        'creates an account with a lower-cased email and finds it by email in any case, and by id',
        async ({ store, clock }) => {
          const { org } = await seedOrg(store);
          const account = await store.createAdminAccount({ email: 'Ada@School.Example', passwordHash: 'scrypt$hash', role: 'org_admin', orgId: org.id });
          assert.equal(account.email, 'ada@school.example');
          assert.equal(account.role, 'org_admin');
          assert.equal(account.orgId, org.id);
          assert.equal(account.disabledAt, null);
          assert.equal(account.createdAt.getTime(), clock.now().getTime());
          assert.deepEqual(await store.findAdminAccountByEmail('ADA@school.example'), account);
          assert.deepEqual(await store.getAdminAccount(account.id), account);
          assert.equal(await store.findAdminAccountByEmail('nobody@school.example'), null);
          assert.equal(await store.getAdminAccount(randomUUID()), null);
        },
      ],
      [
        'refuses a second account with the same email in another case (email_taken)',
        async ({ store }) => {
          await store.createAdminAccount({ email: 'op@example.org', passwordHash: 'h1', role: 'operator', orgId: null });
          await assert.rejects(store.createAdminAccount({ email: 'OP@example.org', passwordHash: 'h2', role: 'operator', orgId: null }), conflict('email_taken'));
          assert.equal((await store.findAdminAccountByEmail('op@example.org'))?.passwordHash, 'h1');
        },
      ],
      [
        'of concurrent creations with one email, exactly one succeeds',
        async ({ store }) => {
          const results = await Promise.allSettled(
            Array.from({ length: 10 }, (_, i) => store.createAdminAccount({ email: 'race@example.org', passwordHash: `h${i}`, role: 'operator', orgId: null })),
          );
          assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
          for (const r of results) if (r.status === 'rejected') conflict('email_taken')(r.reason);
          assert.equal((await store.listAdminAccounts({})).length, 1);
        },
      ],
      [
        'lists accounts by organization (null: operators) and by role, oldest first',
        async ({ store, clock }) => {
          const a = await seedOrg(store);
          const b = await seedOrg(store);
          const op = await store.createAdminAccount({ email: 'op@example.org', passwordHash: 'h', role: 'operator', orgId: null });
          clock.advance(1);
          const aa = await store.createAdminAccount({ email: 'a@example.org', passwordHash: 'h', role: 'org_admin', orgId: a.org.id });
          clock.advance(1);
          const ab = await store.createAdminAccount({ email: 'b@example.org', passwordHash: 'h', role: 'org_admin', orgId: b.org.id });
          assert.deepEqual(ids(await store.listAdminAccounts({})), ids([op, aa, ab]));
          assert.deepEqual(ids(await store.listAdminAccounts({ orgId: null })), ids([op]));
          assert.deepEqual(ids(await store.listAdminAccounts({ orgId: a.org.id })), ids([aa]));
          assert.deepEqual(ids(await store.listAdminAccounts({ role: 'org_admin' })), ids([aa, ab]));
          assert.deepEqual(ids(await store.listAdminAccounts({ role: 'operator' })), ids([op]));
        },
      ],
      [
        'changes the password hash and the disabled time, each on its own',
        async ({ store }) => {
          const account = await store.createAdminAccount({ email: 'c@example.org', passwordHash: 'old', role: 'operator', orgId: null });
          const at = new Date('2026-06-01T00:00:00Z');
          const disabled = await store.updateAdminAccount(account.id, { disabledAt: at });
          assert.equal(disabled?.disabledAt?.getTime(), at.getTime());
          assert.equal(disabled?.passwordHash, 'old');
          const rehashed = await store.updateAdminAccount(account.id, { passwordHash: 'new' });
          assert.equal(rehashed?.passwordHash, 'new');
          assert.equal(rehashed?.disabledAt?.getTime(), at.getTime());
          assert.equal((await store.updateAdminAccount(account.id, { disabledAt: null }))?.disabledAt, null);
          assert.equal(await store.updateAdminAccount(randomUUID(), { passwordHash: 'x' }), null);
        },
      ],
    ],
  ],
  [
    'settings',
    [
      [
        'getOrSetSetting keeps the first value: the second call gets it back',
        async ({ store }) => {
          assert.equal(await store.getOrSetSetting('signing-key', 'first'), 'first');
          assert.equal(await store.getOrSetSetting('signing-key', 'second'), 'first');
          assert.equal(await store.getSetting('signing-key'), 'first');
        },
      ],
      [
        'setSetting replaces a value; an unknown setting is null',
        async ({ store }) => {
          assert.equal(await store.getSetting('missing'), null);
          await store.setSetting('k', 'v1');
          await store.setSetting('k', 'v2');
          assert.equal(await store.getSetting('k'), 'v2');
          assert.equal(await store.getOrSetSetting('k', 'v3'), 'v2');
        },
      ],
    ],
  ],
  [
    'ephemeral values',
    [
      [
        'putIfAbsent stores a value once; a second putIfAbsent is refused and changes nothing',
        async ({ store, clock }) => {
          const exp = new Date(clock.now().getTime() + 60_000);
          assert.equal(await store.ephemeral.putIfAbsent('nonce', 'n1', 'first', exp), true);
          assert.equal(await store.ephemeral.putIfAbsent('nonce', 'n1', 'second', exp), false);
          assert.equal(await store.ephemeral.get('nonce', 'n1'), 'first');
        },
      ],
      [
        'get reads without consuming; consume returns the value once, then null',
        async ({ store, clock }) => {
          const exp = new Date(clock.now().getTime() + 60_000);
          await store.ephemeral.put('state', 's1', 'payload', exp);
          assert.equal(await store.ephemeral.get('state', 's1'), 'payload');
          assert.equal(await store.ephemeral.get('state', 's1'), 'payload');
          assert.equal(await store.ephemeral.consume('state', 's1'), 'payload');
          assert.equal(await store.ephemeral.consume('state', 's1'), null);
          assert.equal(await store.ephemeral.get('state', 's1'), null);
          assert.equal(await store.ephemeral.consume('state', 'never-stored'), null);
        },
      ],
      [
        'keeps equal keys of different namespaces apart',
        async ({ store, clock }) => {
          const exp = new Date(clock.now().getTime() + 60_000);
          assert.equal(await store.ephemeral.putIfAbsent('a', 'k', 'in-a', exp), true);
          assert.equal(await store.ephemeral.putIfAbsent('b', 'k', 'in-b', exp), true);
          assert.equal(await store.ephemeral.consume('a', 'k'), 'in-a');
          assert.equal(await store.ephemeral.get('b', 'k'), 'in-b');
        },
      ],
      [
        'put replaces a value and delete removes it',
        async ({ store, clock }) => {
          const exp = new Date(clock.now().getTime() + 60_000);
          await store.ephemeral.put('session', 'x', 'v1', exp);
          await store.ephemeral.put('session', 'x', 'v2', exp);
          assert.equal(await store.ephemeral.get('session', 'x'), 'v2');
          await store.ephemeral.delete('session', 'x');
          assert.equal(await store.ephemeral.get('session', 'x'), null);
          await store.ephemeral.delete('session', 'x');
        },
      ],
      [
        'an expired value is invisible to get and consume, and is purged',
        async ({ store, clock }) => {
          const past = new Date(clock.now().getTime() - 1000);
          const future = new Date(clock.now().getTime() + 60_000);
          await store.ephemeral.put('nonce', 'old', 'stale', past);
          await store.ephemeral.put('nonce', 'live', 'fresh', future);
          assert.equal(await store.ephemeral.get('nonce', 'old'), null);
          assert.equal(await store.ephemeral.consume('nonce', 'old'), null);
          assert.equal(await store.ephemeral.purgeExpired(clock.now()), 1);
          assert.equal(await store.ephemeral.purgeExpired(clock.now()), 0);
          assert.equal(await store.ephemeral.get('nonce', 'live'), 'fresh');
        },
      ],
      [
        'a value stops being visible once its expiry passes on the store clock',
        async ({ store, clock }) => {
          const exp = new Date(clock.now().getTime() + 10_000);
          await store.ephemeral.put('nonce', 'n', 'v', exp);
          assert.equal(await store.ephemeral.get('nonce', 'n'), 'v');
          clock.advance(10_000);
          assert.equal(await store.ephemeral.get('nonce', 'n'), null);
          assert.equal(await store.ephemeral.consume('nonce', 'n'), null);
          // Expired counts as absent: the key can be used again.
          assert.equal(await store.ephemeral.putIfAbsent('nonce', 'n', 'again', new Date(clock.now().getTime() + 10_000)), true);
          assert.equal(await store.ephemeral.consume('nonce', 'n'), 'again');
        },
      ],
    ],
  ],
  [
    'concurrency',
    [
      [
        '100 concurrent createUser calls for one identity create exactly one user',
        async ({ store }) => {
          const { org, dir } = await seedOrg(store);
          const conn = await cleverConnection(store, org, dir);
          const results = await Promise.all(
            Array.from({ length: 100 }, () => store.createUser(newUser(org, dir, { email: 'race@school.example' }), identity(conn.id, 'race-sub'))),
          );
          assert.equal(results.filter((r) => r.created).length, 1);
          assert.equal(new Set(results.map((r) => r.user.id)).size, 1);
          const all = await store.listUsers({ directoryId: dir.id }, { limit: 200, offset: 0 });
          assert.equal(all.total, 1);
          assert.equal((await store.findUserByExternalIdentity(conn.id, 'race-sub'))?.id, results[0]!.user.id);
        },
      ],
      [
        '150 users racing for 40 seats: exactly 40 assigned, 110 no_seats',
        async ({ store }) => {
          const { org, dir } = await seedOrg(store);
          await store.setEntitlement(org.id, 'studio', 40);
          const users = await Promise.all(Array.from({ length: 150 }, () => store.createUser(newUser(org, dir))));
          const results = await Promise.all(
            users.map(({ user }) => store.assignLicense({ userId: user.id, orgId: org.id, directoryId: dir.id, productId: 'studio', source: 'jit' })),
          );
          assert.equal(results.filter((r) => r.outcome === 'assigned').length, 40);
          assert.equal(results.filter((r) => r.outcome === 'no_seats').length, 110);
          assert.equal(await store.countLicenses(org.id, 'studio'), 40);
        },
      ],
      [
        '100 concurrent consumes of one key: exactly one gets the value',
        async ({ store, clock }) => {
          await store.ephemeral.put('nonce', 'once', 'secret', new Date(clock.now().getTime() + 60_000));
          const results = await Promise.all(Array.from({ length: 100 }, () => store.ephemeral.consume('nonce', 'once')));
          assert.deepEqual(results.filter((r) => r !== null), ['secret']);
        },
      ],
      [
        '50 concurrent putIfAbsent of one key: exactly one succeeds',
        async ({ store, clock }) => {
          const exp = new Date(clock.now().getTime() + 60_000);
          const results = await Promise.all(Array.from({ length: 50 }, (_, i) => store.ephemeral.putIfAbsent('state', 'one', `v${i}`, exp)));
          assert.equal(results.filter(Boolean).length, 1);
          assert.equal(await store.ephemeral.get('state', 'one'), `v${results.indexOf(true)}`);
        },
      ],
    ],
  ],
];
