import assert from 'node:assert/strict';
import { classlinkIdentity, classlinkRole } from './identity';

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
