/**
 * Provisioning against a real store: every reason, the matching rules, the refresh of names and
 * roles, and the races. Run against every store adapter that can start.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { LaunchIdentity } from '../../src/identity/launch-identity';
import { normalizeDomainName } from '../../src/identity/domain-name';
import { provision } from '../../src/provisioning/provision';
import type { Product } from '../../src/provisioning/product';
import type { Store } from '../../src/store/port';
import type { Connection } from '../../src/store/model';
import { linkConnection, seedTenant, type SeededTenant } from '../support/harness';

/** A store factory, or why this store cannot run here (its tests are then reported as pending). */
export type OpenStore = (() => Promise<Store>) | { pending: string };

const studio: Product = { id: 'studio', name: 'Studio', launchUrl: 'http://127.0.0.1/product/studio', jitEligible: true };
const now = () => new Date('2026-09-01T08:00:00Z');

function clever(districtId: string, subject: string, email: string | undefined, extra: Partial<LaunchIdentity> = {}): LaunchIdentity {
  return {
    partner: 'clever',
    tenant: { partner: 'clever', districtId },
    subject,
    email,
    givenName: 'Ada',
    familyName: 'Lovelace',
    roles: ['student'],
    rawRoles: ['student'],
    ...extra,
  };
}

export function describeProvisioningContract(name: string, open: OpenStore): void {
  const title = typeof open === 'function' ? `provision() on ${name}` : `provision() on ${name} (pending: ${open.pending})`;
  describe(title, function () {
    let store: Store | undefined;
    let tenant: SeededTenant;
    let connection: Connection;
    let district: string;

    beforeEach(async function () {
      if (typeof open !== 'function') {
        this.skip();
        return;
      }
      store = await open();
      tenant = await seedTenant(store!, { jitEnabled: true, seats: 100 });
      district = 'district-' + randomUUID();
      connection = await linkConnection(store!, tenant, { partner: 'clever', districtId: district });
    });

    afterEach(async function () {
      await store?.close();
      store = undefined;
    });

    const launch = (identity: LaunchIdentity, product: Product = studio) => provision({ store: store!, now }, identity, product, { requestId: 'req-test' });
    const emailOf = (local: string) => `${local}@${tenant.domain}`;

    it('JIT on: creates the user and a license, and records one allowed audit event', async () => {
      const outcome = await launch(clever(district, 'u1', emailOf('ada')));
      assert.equal(outcome.decision, 'allowed');
      assert.equal(outcome.reason, 'user_created');
      assert.equal(outcome.user?.email, emailOf('ada'));
      assert.equal(outcome.user?.createdBy, 'jit');
      assert.ok(await store!.getLicense(outcome.user!.id, 'studio'));
      const audit = await store!.listAudit({ orgId: tenant.org.id, kind: 'launch' }, { limit: 10, offset: 0 });
      assert.equal(audit.total, 1);
      assert.equal(audit.items[0]!.reason, 'user_created');
      assert.equal(audit.items[0]!.requestId, 'req-test');
    });

    it('a second launch of the same person is existing_license, with no second user', async () => {
      await launch(clever(district, 'u1', emailOf('ada')));
      const second = await launch(clever(district, 'u1', emailOf('ada')));
      assert.equal(second.reason, 'existing_license');
      assert.equal((await store!.listUsers({ directoryId: tenant.directory.id }, { limit: 10, offset: 0 })).total, 1);
    });

    it('refreshes names and roles on every launch', async () => {
      await launch(clever(district, 'u1', emailOf('ada')));
      const again = await launch(clever(district, 'u1', emailOf('ada'), { givenName: 'Augusta', roles: ['teacher'], rawRoles: ['teacher'] }));
      assert.equal(again.user?.givenName, 'Augusta');
      assert.deepEqual(again.user?.roles, ['teacher']);
      const stored = await store!.getUser(again.user!.id);
      assert.equal(stored?.givenName, 'Augusta');
      assert.deepEqual(stored?.roles, ['teacher']);
      assert.ok(stored?.lastLaunchAt);
    });

    it('refuses an unlinked tenant with connection_not_linked and audits it', async () => {
      const outcome = await launch(clever('unknown-district', 'u1', emailOf('ada')));
      assert.equal(outcome.reason, 'connection_not_linked');
      const audit = await store!.listAudit({ reason: 'connection_not_linked' }, { limit: 10, offset: 0 });
      assert.equal(audit.total, 1);
    });

    it('refuses a disabled connection with connection_disabled', async () => {
      await store!.updateConnection(connection.id, { enabled: false });
      assert.equal((await launch(clever(district, 'u1', emailOf('ada')))).reason, 'connection_disabled');
    });

    it('refuses a launch without email with email_missing and creates nobody', async () => {
      const outcome = await launch(clever(district, 'u1', undefined));
      assert.equal(outcome.reason, 'email_missing');
      assert.equal((await store!.listUsers({ directoryId: tenant.directory.id }, { limit: 10, offset: 0 })).total, 0);
    });

    it('refuses an email of an unclaimed domain with domain_not_claimed', async () => {
      assert.equal((await launch(clever(district, 'u1', 'ada@gmail.example'))).reason, 'domain_not_claimed');
    });

    it('keeps only the domain of an address outside the directory’s domains in the audit log, not the address', async () => {
      const outcome = await launch(clever(district, 'u1', 'Ada@Gmail.example'));
      const event = await store!.getAuditEvent(outcome.auditEventId);
      assert.equal(event!.reason, 'domain_not_claimed');
      assert.equal(event!.email, null);
      assert.equal(event!.detail?.emailDomain, 'gmail.example');
      assert.equal(event!.subject, 'u1');
    });

    it('refuses a domain claimed but not verified with domain_not_claimed', async () => {
      await store!.claimDomain({ orgId: tenant.org.id, directoryId: tenant.directory.id, name: 'pending.k12.example', verificationToken: 'x' });
      assert.equal((await launch(clever(district, 'u1', 'ada@pending.k12.example'))).reason, 'domain_not_claimed');
    });

    it('refuses a domain verified in ANOTHER directory with domain_not_claimed', async () => {
      const other = await store!.createDirectory({ orgId: tenant.org.id, name: 'Staff', jitEnabled: true });
      const d = await store!.claimDomain({ orgId: tenant.org.id, directoryId: other.id, name: 'staff.k12.example', verificationToken: 'x' });
      await store!.markDomainVerified(d.id, 'operator', now());
      assert.equal((await launch(clever(district, 'u1', 'ada@staff.k12.example'))).reason, 'domain_not_claimed');
    });

    it('refuses a new user with jit_disabled when JIT is off, and creates nobody', async () => {
      await store!.updateDirectory(tenant.directory.id, { jitEnabled: false });
      const outcome = await launch(clever(district, 'u1', emailOf('ada')));
      assert.equal(outcome.reason, 'jit_disabled');
      assert.equal(outcome.decision, 'refused');
      assert.equal((await store!.listUsers({ directoryId: tenant.directory.id }, { limit: 10, offset: 0 })).total, 0);
    });

    it('with JIT off, a user an admin licensed by email gets in (matched by email, identity linked)', async () => {
      await store!.updateDirectory(tenant.directory.id, { jitEnabled: false });
      const created = await store!.createUser({
        orgId: tenant.org.id,
        directoryId: tenant.directory.id,
        email: emailOf('grace'),
        givenName: null,
        familyName: null,
        displayName: null,
        roles: [],
        rawRoles: [],
        createdBy: 'admin',
        lastLaunchAt: null,
      });
      await store!.assignLicense({ userId: created.user.id, orgId: tenant.org.id, directoryId: tenant.directory.id, productId: 'studio', source: 'admin' });
      const outcome = await launch(clever(district, 'g1', emailOf('grace')));
      assert.equal(outcome.reason, 'existing_license');
      assert.equal(outcome.matchedBy, 'email');
      assert.equal(outcome.user?.id, created.user.id);
      const ids = await store!.listExternalIdentities(created.user.id);
      assert.deepEqual(
        ids.map((i) => i.subject),
        ['g1'],
      );
    });

    it('gives an existing unlicensed user a license just in time (license_assigned)', async () => {
      const first = await launch(clever(district, 'u1', emailOf('ada')));
      await store!.revokeLicense(first.user!.id, 'studio');
      const again = await launch(clever(district, 'u1', emailOf('ada')));
      assert.equal(again.reason, 'license_assigned');
    });

    it('refuses a blocked user and never re-creates or re-licenses them', async () => {
      const first = await launch(clever(district, 'u1', emailOf('ada')));
      await store!.revokeLicense(first.user!.id, 'studio');
      await store!.setUserStatus(first.user!.id, 'blocked');
      const again = await launch(clever(district, 'u1', emailOf('ada')));
      assert.equal(again.reason, 'user_blocked');
      assert.equal(await store!.getLicense(first.user!.id, 'studio'), null);
      assert.equal((await store!.listUsers({ directoryId: tenant.directory.id }, { limit: 10, offset: 0 })).total, 1);
    });

    it('refuses with product_not_jit_eligible for a product that admins assign by hand', async () => {
      await store!.setEntitlement(tenant.org.id, 'pro', 10);
      const pro: Product = { ...studio, id: 'pro', jitEligible: false };
      assert.equal((await launch(clever(district, 'u1', emailOf('ada')), pro)).reason, 'product_not_jit_eligible');
    });

    it('refuses with no_entitlement when the organization has none for the product', async () => {
      await store!.deleteEntitlement(tenant.org.id, 'studio');
      assert.equal((await launch(clever(district, 'u1', emailOf('ada')))).reason, 'no_entitlement');
    });

    it('refuses with no_seats when every seat is taken (the user is created, the license is not)', async () => {
      await store!.setEntitlement(tenant.org.id, 'studio', 1);
      assert.equal((await launch(clever(district, 'u1', emailOf('ada')))).reason, 'user_created');
      const second = await launch(clever(district, 'u2', emailOf('bob')));
      assert.equal(second.reason, 'no_seats');
      assert.equal(second.decision, 'refused');
      assert.ok(second.user);
      assert.equal(await store!.getLicense(second.user!.id, 'studio'), null);
      await store!.setEntitlement(tenant.org.id, 'studio', 2);
      assert.equal((await launch(clever(district, 'u2', emailOf('bob')))).reason, 'license_assigned');
    });

    it('links one person across two connections by email when both trust email', async () => {
      const classlinkTenant = 'tenant-' + randomUUID();
      await linkConnection(store!, tenant, { partner: 'classlink', tenantId: classlinkTenant });
      const viaClever = await launch(clever(district, 'c-1', emailOf('ada')));
      const viaClassLink = await launch({ ...clever(district, '777', emailOf('ada')), partner: 'classlink', tenant: { partner: 'classlink', tenantId: classlinkTenant } });
      assert.equal(viaClassLink.reason, 'existing_license');
      assert.equal(viaClassLink.user?.id, viaClever.user?.id);
      assert.equal((await store!.listExternalIdentities(viaClever.user!.id)).length, 2);
    });

    it('keeps people apart when the second connection does not trust email', async () => {
      const classlinkTenant = 'tenant-' + randomUUID();
      await linkConnection(store!, tenant, { partner: 'classlink', tenantId: classlinkTenant }, { trustEmail: false });
      const viaClever = await launch(clever(district, 'c-1', emailOf('ada')));
      const viaClassLink = await launch({ ...clever(district, '777', emailOf('ada')), partner: 'classlink', tenant: { partner: 'classlink', tenantId: classlinkTenant } });
      assert.equal(viaClassLink.reason, 'user_created');
      assert.notEqual(viaClassLink.user?.id, viaClever.user?.id);
      // A later launch through the untrusted connection finds its own user again, by subject.
      const again = await launch({ ...clever(district, '777', emailOf('ada')), partner: 'classlink', tenant: { partner: 'classlink', tenantId: classlinkTenant } });
      assert.equal(again.user?.id, viaClassLink.user?.id);
      assert.equal(again.reason, 'existing_license');
    });

    it('an internationalized email finds its domain claimed in any spelling: ada@bücher.example against BÜCHER.example', async () => {
      // Claims are stored the way the admin service stores them: lower-case IDNA (punycode).
      const claimed = await store!.claimDomain({
        orgId: tenant.org.id,
        directoryId: tenant.directory.id,
        name: normalizeDomainName('BÜCHER.example'),
        verificationToken: 'x',
      });
      assert.equal(claimed.name, 'xn--bcher-kva.example');
      await store!.markDomainVerified(claimed.id, 'operator', now());
      const unicode = await launch(clever(district, 'idn-1', 'Ada@Bücher.example'));
      assert.equal(unicode.reason, 'user_created');
      const punycode = await launch(clever(district, 'idn-2', 'grace@xn--bcher-kva.example'));
      assert.equal(punycode.reason, 'user_created');
      assert.equal((await launch(clever(district, 'idn-3', 'eve@bücher.example.evil'))).reason, 'domain_not_claimed');
    });

    it('race lost at createUser to the same person: the user found by subject gets this launch’s names and roles', async () => {
      // Another launch of the same person creates them (with older names) just before this one does.
      const real = store!;
      const racing: Store = Object.create(real) as Store;
      racing.createUser = async (input, identity) => {
        const theirs = await real.createUser({ ...input, givenName: 'Old', roles: ['student'], rawRoles: ['student'] }, identity);
        return { created: false, user: theirs.user };
      };
      const outcome = await provision({ store: racing, now }, clever(district, 'racer', emailOf('racer'), { givenName: 'Augusta', roles: ['teacher'], rawRoles: ['teacher'] }), studio, {
        requestId: 'req-race',
      });
      assert.equal(outcome.decision, 'allowed');
      assert.equal(outcome.user?.givenName, 'Augusta');
      const stored = await real.getUser(outcome.user!.id);
      assert.equal(stored?.givenName, 'Augusta');
      assert.deepEqual(stored?.roles, ['teacher']);
      assert.ok(stored?.lastLaunchAt);
    });

    describe('a blocked person arriving through a second connection', () => {
      let blockedId: string;
      const viaClassLink = (tenantId: string, subject: string) => ({
        ...clever(district, subject, emailOf('blocked')),
        partner: 'classlink' as const,
        tenant: { partner: 'classlink' as const, tenantId },
      });
      const countUsers = async () => (await store!.listUsers({ directoryId: tenant.directory.id }, { limit: 10, offset: 0 })).total;

      beforeEach(async function () {
        if (store === undefined) return;
        const first = await launch(clever(district, 'b-1', emailOf('blocked')));
        await store.setUserStatus(first.user!.id, 'blocked');
        blockedId = first.user!.id;
      });

      it('matched by email through a connection that trusts email: user_blocked, and no second user', async () => {
        const classlinkTenant = 'tenant-' + randomUUID();
        await linkConnection(store!, tenant, { partner: 'classlink', tenantId: classlinkTenant }, { trustEmail: true });
        const outcome = await launch(viaClassLink(classlinkTenant, 'cl-1'));
        assert.equal(outcome.reason, 'user_blocked');
        assert.equal(outcome.decision, 'refused');
        assert.equal(outcome.user?.id, blockedId);
        assert.equal(await countUsers(), 1);
      });

      it('through a connection that does not trust email: user_blocked, nobody created, nothing licensed, audited', async () => {
        const classlinkTenant = 'tenant-' + randomUUID();
        await linkConnection(store!, tenant, { partner: 'classlink', tenantId: classlinkTenant }, { trustEmail: false });
        const seatsBefore = await store!.countLicenses(tenant.org.id, 'studio');
        const outcome = await launch(viaClassLink(classlinkTenant, 'cl-2'));
        assert.equal(outcome.reason, 'user_blocked');
        assert.equal(outcome.decision, 'refused');
        assert.equal(outcome.license, null);
        assert.equal(await countUsers(), 1, 'no separate user was made to step around the block');
        assert.equal(await store!.countLicenses(tenant.org.id, 'studio'), seatsBefore);
        assert.deepEqual(await store!.listExternalIdentities(blockedId).then((ids) => ids.map((i) => i.subject)), ['b-1']);
        const audit = await store!.listAudit({ orgId: tenant.org.id, reason: 'user_blocked' }, { limit: 5, offset: 0 });
        assert.equal(audit.total, 1);
        assert.equal(audit.items[0]!.detail?.emailOwnerBlocked, true);
      });
    });

    it('race: the same new person launching 120 times at once gets one user and one license', async () => {
      const outcomes = await Promise.all(Array.from({ length: 120 }, () => launch(clever(district, 'same', emailOf('same')))));
      const userIds = new Set(outcomes.map((o) => o.user?.id));
      assert.equal(userIds.size, 1);
      assert.ok(outcomes.every((o) => o.decision === 'allowed'), JSON.stringify(outcomes.map((o) => o.reason)));
      assert.equal(outcomes.filter((o) => o.reason === 'user_created').length, 1);
      assert.equal((await store!.listUsers({ directoryId: tenant.directory.id }, { limit: 10, offset: 0 })).total, 1);
      assert.equal(await store!.countLicenses(tenant.org.id, 'studio'), 1);
      assert.equal(await store!.countAudit({ orgId: tenant.org.id, kind: 'launch' }), 120);
    });

    it('race: 150 new people against 40 free seats get exactly 40 licenses and 110 no_seats', async () => {
      await store!.setEntitlement(tenant.org.id, 'studio', 40);
      const outcomes = await Promise.all(Array.from({ length: 150 }, (_, i) => launch(clever(district, `s${i}`, emailOf(`s${i}`)))));
      assert.equal(outcomes.filter((o) => o.decision === 'allowed').length, 40);
      assert.equal(outcomes.filter((o) => o.reason === 'no_seats').length, 110);
      assert.equal(await store!.countLicenses(tenant.org.id, 'studio'), 40);
      assert.equal((await store!.listUsers({ directoryId: tenant.directory.id }, { limit: 1, offset: 0 })).total, 150);
      assert.equal(await store!.countAudit({ orgId: tenant.org.id, reason: 'no_seats' }), 110);
    });
  });
}
