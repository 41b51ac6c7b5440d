import assert from 'node:assert/strict';
import { OAuthLaunchError } from '../oauth/errors';
import { classlinkIdentity, classlinkRole, fetchClassLinkIdentity, infoScope } from './identity';

describe('ClassLink identity normalization', function () {
  it('keys the person on String(UserId) and the tenant on String(TenantId)', () => {
    const identity = classlinkIdentity({ UserId: 1516492, TenantId: 2, Role: 'Student', Email: 'reading@demo.example' });
    assert.equal(identity.subject, '1516492');
    assert.deepEqual(identity.tenant, { partner: 'classlink', tenantId: '2' });
    assert.deepEqual(identity.roles, ['student']);
    assert.deepEqual(identity.rawRoles, ['Student']);
  });

  it('maps Student, Teacher and Tenant Administrator, whatever the case, and any other named role to staff', () => {
    assert.equal(classlinkRole('Student'), 'student');
    assert.equal(classlinkRole('teacher'), 'teacher');
    assert.equal(classlinkRole('Tenant Administrator'), 'admin');
    assert.equal(classlinkRole('Parent'), 'staff');
    assert.equal(classlinkRole('Building Administrator'), 'staff');
  });

  it('has no role at all when ClassLink sends none', () => {
    const identity = classlinkIdentity({ UserId: 7, TenantId: 2, Role: '' });
    assert.deepEqual(identity.roles, []);
    assert.deepEqual(identity.rawRoles, []);
  });

  it('treats an empty Email as absent and keeps DisplayName', () => {
    const identity = classlinkIdentity({ UserId: '7', TenantId: '2', Email: '', DisplayName: 'Reading Student', FirstName: 'Reading', LastName: 'Student' });
    assert.equal(identity.email, undefined);
    assert.equal(identity.displayName, 'Reading Student');
    assert.equal(identity.givenName, 'Reading');
  });
});

describe('ClassLink identity fetch: what a failure knows', function () {
  async function failureOf(body: unknown): Promise<OAuthLaunchError> {
    try {
      await fetchClassLinkIdentity({ getJson: async () => body }, 'token');
    } catch (err) {
      assert.ok(err instanceof OAuthLaunchError, `expected an OAuthLaunchError, got ${String(err)}`);
      return err;
    }
    assert.fail('expected a failure');
  }

  it('an answer that names the tenant but lacks the user id still names the tenant', async () => {
    const err = await failureOf({ TenantId: 2, Role: 'Student' });
    assert.equal(err.check, 'userinfo_incomplete');
    assert.deepEqual(err.tenant, { partner: 'classlink', tenantId: '2' });
    assert.equal(err.subject, undefined);
  });

  it('an answer without a usable TenantId names no tenant, only the user', async () => {
    const err = await failureOf({ UserId: 7, TenantId: 'not a tenant id!' });
    assert.equal(err.tenant, undefined);
    assert.equal(err.subject, '7');
    assert.deepEqual(infoScope('not an object'), {});
  });
});
