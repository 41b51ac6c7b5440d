import assert from 'node:assert/strict';
import { OAuthLaunchError, partnerError } from '../oauth/errors';
import type { PartnerApi } from '../oauth/oauth-partner';
import { cleverIdentity, fetchCleverIdentity, meDistrict } from './identity';
import { rejectionOf } from '../../test/support/rejection';

describe('Clever identity normalization', function () {
  const base = { id: '5be3bbeea96f6b000153b0f5', district: '58da8c6ad3ef4f0254099f4a' };

  it('keys the person on the Clever user id and the tenant on the district id', () => {
    const identity = cleverIdentity({ ...base, roles: { student: { grade: '10', sis_id: '123' } } });
    assert.equal(identity.subject, base.id);
    assert.deepEqual(identity.tenant, { partner: 'clever', districtId: base.district });
    assert.deepEqual(identity.roles, ['student']);
  });

  it('gives a multi-role user every role it holds, district_admin as admin, in a stable order', () => {
    const identity = cleverIdentity({ ...base, roles: { staff: {}, district_admin: {}, teacher: {} } });
    assert.deepEqual(identity.roles, ['teacher', 'admin', 'staff']);
    assert.deepEqual(identity.rawRoles, ['district_admin', 'staff', 'teacher']);
  });

  it('keeps a role it does not understand (a guardian contact) raw only, and ignores empty role entries', () => {
    const identity = cleverIdentity({ ...base, roles: { contact: { relationship: 'Parent' }, student: null } });
    assert.deepEqual(identity.roles, []);
    assert.deepEqual(identity.rawRoles, ['contact']);
  });

  it('treats the email as unverified, lower-cases it, and drops one that is not an address', () => {
    assert.equal(cleverIdentity({ ...base, email: ' Ada@Lincoln.K12.Example ' }).email, 'ada@lincoln.k12.example');
    assert.equal(cleverIdentity({ ...base, email: ' Ada@Lincoln.K12.Example ' }).emailVerified, false);
    assert.equal(cleverIdentity({ ...base, email: '' }).email, undefined);
    assert.equal(cleverIdentity({ ...base, email: null }).email, undefined);
    assert.equal(cleverIdentity({ ...base, email: 'not an address' }).email, undefined);
  });

  it('takes first and last names, and none when Clever sends blanks', () => {
    const named = cleverIdentity({ ...base, name: { first: ' Ada ', middle: 'B', last: 'Lovelace' } });
    assert.equal(named.givenName, 'Ada');
    assert.equal(named.familyName, 'Lovelace');
    const blank = cleverIdentity({ ...base, name: { first: '', last: '  ' } });
    assert.equal(blank.givenName, undefined);
    assert.equal(blank.familyName, undefined);
  });
});

describe('Clever identity fetch: what a failure knows', function () {
  const me = {
    data: { id: 'u1', type: 'user' },
    links: [
      { rel: 'canonical', uri: '/v3.0/users/u1' },
      { rel: 'district', uri: '/v3.0/districts/d1' },
    ],
  };
  const api = (users: () => unknown): PartnerApi => ({
    getJson: async (path) => {
      if (path === '/v3.0/me') return me;
      return users();
    },
  });

  const failureOf = (promise: Promise<unknown>) => rejectionOf(promise, OAuthLaunchError);

  it('takes the district from /v3.0/me, in data.district or its district link', () => {
    assert.equal(meDistrict({ data: { id: 'u1', district: 'd9' } }), 'd9');
    assert.equal(meDistrict(me), 'd1');
    assert.equal(meDistrict({ data: { id: 'u1' }, links: [{ rel: 'district', uri: 'https://elsewhere.example/x' }] }), undefined);
  });

  it('a /v3.0/users/{id} failure after /v3.0/me names the district and the user', async () => {
    const err = await failureOf(
      fetchCleverIdentity(
        api(() => {
          throw partnerError('userinfo_endpoint_500', '/v3.0/users/u1 answered HTTP 500');
        }),
        'token',
      ),
    );
    assert.equal(err.check, 'userinfo_endpoint_500');
    assert.deepEqual(err.tenant, { partner: 'clever', districtId: 'd1' });
    assert.equal(err.subject, 'u1');
  });

  it('a /v3.0/users/{id} answer for another district is refused, in the name of the district /v3.0/me gave', async () => {
    const err = await failureOf(fetchCleverIdentity(api(() => ({ data: { id: 'u1', district: 'd2' } })), 'token'));
    assert.equal(err.check, 'userinfo_incomplete');
    assert.deepEqual(err.tenant, { partner: 'clever', districtId: 'd1' });
  });

  it('a /v3.0/me failure names nobody', async () => {
    const err = await failureOf(fetchCleverIdentity({ getJson: async () => ({ data: {} }) }, 'token'));
    assert.equal(err.tenant, undefined);
    assert.equal(err.subject, undefined);
  });
});
