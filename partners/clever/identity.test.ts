import assert from 'node:assert/strict';
import { cleverIdentity } from './identity';

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
