import assert from 'node:assert/strict';
import { decide, type LaunchFacts } from '../../src/provisioning/decide';
import type { Connection, Directory, Domain, License, User } from '../../src/store/model';

const at = new Date('2026-09-01T08:00:00Z');

const directory: Directory = { id: 'dir-1', orgId: 'org-1', name: 'Students', jitEnabled: true, createdAt: at, updatedAt: at };
const connection: Connection = {
  id: 'conn-1',
  partner: 'clever',
  status: 'linked',
  orgId: 'org-1',
  directoryId: 'dir-1',
  settings: { partner: 'clever', districtId: 'd1' },
  enabled: true,
  trustEmail: true,
  label: null,
  createdAt: at,
  updatedAt: at,
};
const domain: Domain = {
  id: 'dom-1',
  orgId: 'org-1',
  directoryId: 'dir-1',
  name: 'lincoln.k12.example',
  status: 'verified',
  verificationToken: 't',
  verifiedAt: at,
  verifiedBy: 'operator',
  createdAt: at,
};
const user: User = {
  id: 'user-1',
  orgId: 'org-1',
  directoryId: 'dir-1',
  email: 'ada@lincoln.k12.example',
  givenName: 'Ada',
  familyName: 'L',
  displayName: 'Ada L',
  roles: ['student'],
  rawRoles: ['student'],
  status: 'active',
  createdBy: 'jit',
  lastLaunchAt: null,
  createdAt: at,
  updatedAt: at,
};
const license: License = { id: 'lic-1', userId: 'user-1', orgId: 'org-1', directoryId: 'dir-1', productId: 'studio', source: 'jit', createdAt: at };

function facts(overrides: Partial<LaunchFacts> = {}): LaunchFacts {
  return {
    connection,
    directory,
    email: 'ada@lincoln.k12.example',
    domain,
    userBySubject: null,
    userByEmail: null,
    license: null,
    product: { id: 'studio', name: 'Studio', launchUrl: 'http://localhost/product/studio', jitEligible: true },
    hasEntitlement: true,
    ...overrides,
  };
}

describe('decide(): the JIT decision', () => {
  it('creates and licenses a new user from a linked tenant with a verified domain when JIT is on', () => {
    const plan = decide(facts());
    assert.equal(plan.outcome, 'allowed');
    assert.equal(plan.reason, 'user_created');
    assert.equal(plan.createUser, true);
  });

  it('refuses an unknown tenant with connection_not_linked', () => {
    assert.equal(decide(facts({ connection: null, directory: null })).reason, 'connection_not_linked');
  });

  it('refuses a pending (registered but unlinked) connection with connection_not_linked', () => {
    const pending = { ...connection, status: 'pending' as const, directoryId: null, orgId: null };
    assert.equal(decide(facts({ connection: pending, directory: null })).reason, 'connection_not_linked');
  });

  it('refuses a disabled connection even for a licensed user', () => {
    const plan = decide(facts({ connection: { ...connection, enabled: false }, userBySubject: user, license }));
    assert.equal(plan.reason, 'connection_disabled');
  });

  it('refuses a new user without email with email_missing', () => {
    assert.equal(decide(facts({ email: null, domain: null })).reason, 'email_missing');
  });

  it('refuses a new user whose domain is not claimed by this directory', () => {
    assert.equal(decide(facts({ domain: null })).reason, 'domain_not_claimed');
  });

  it('refuses a new user whose domain is claimed here but still pending verification', () => {
    assert.equal(decide(facts({ domain: { ...domain, status: 'pending' } })).reason, 'domain_not_claimed');
  });

  it('refuses a domain verified in another directory of the same organization', () => {
    assert.equal(decide(facts({ domain: { ...domain, directoryId: 'dir-2' } })).reason, 'domain_not_claimed');
  });

  it('lets a licensed user in with existing_license even when JIT is now off', () => {
    const plan = decide(facts({ directory: { ...directory, jitEnabled: false }, userBySubject: user, license }));
    assert.equal(plan.outcome, 'allowed');
    assert.equal(plan.reason, 'existing_license');
  });

  it('lets a licensed user matched by subject in even without an email this time', () => {
    const plan = decide(facts({ email: null, domain: null, userBySubject: user, license }));
    assert.equal(plan.reason, 'existing_license');
  });

  it('refuses a blocked user before anything else about them', () => {
    const plan = decide(facts({ userBySubject: { ...user, status: 'blocked' }, license }));
    assert.equal(plan.reason, 'user_blocked');
  });

  it('gives an existing user without a license one just in time (license_assigned)', () => {
    const plan = decide(facts({ userBySubject: user }));
    assert.equal(plan.reason, 'license_assigned');
    assert.equal(plan.createUser, false);
  });

  it('refuses a new user with jit_disabled when the directory has JIT off', () => {
    const plan = decide(facts({ directory: { ...directory, jitEnabled: false } }));
    assert.equal(plan.reason, 'jit_disabled');
    assert.equal(plan.createUser, false);
  });

  it('refuses an unlicensed existing user with jit_disabled when JIT is off', () => {
    assert.equal(decide(facts({ directory: { ...directory, jitEnabled: false }, userBySubject: user })).reason, 'jit_disabled');
  });

  it('refuses with product_not_jit_eligible when the product is admin-assigned only', () => {
    const plan = decide(facts({ product: { id: 'studio', name: 'S', launchUrl: 'http://x/', jitEligible: false } }));
    assert.equal(plan.reason, 'product_not_jit_eligible');
  });

  it('refuses with no_entitlement when the organization has no seats for the product', () => {
    assert.equal(decide(facts({ hasEntitlement: false })).reason, 'no_entitlement');
  });

  it('matches an existing user by email when the connection trusts email, and links the identity', () => {
    const plan = decide(facts({ userByEmail: user, license }));
    assert.equal(plan.reason, 'existing_license');
    assert.equal(plan.linkIdentity, true);
    assert.equal(plan.user?.id, 'user-1');
  });

  it('does not match by email when the connection does not trust email', () => {
    const plan = decide(facts({ connection: { ...connection, trustEmail: false }, userByEmail: user, license }));
    assert.equal(plan.reason, 'user_created');
    assert.equal(plan.linkIdentity, false);
  });

  it('never re-licenses a blocked user found by email', () => {
    const plan = decide(facts({ userByEmail: { ...user, status: 'blocked' } }));
    assert.equal(plan.outcome, 'refused');
    assert.equal(plan.reason, 'user_blocked');
  });
});
