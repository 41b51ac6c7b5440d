/** From Canvas claims to a LaunchIdentity: roles, names, email, course. */
import assert from 'node:assert/strict';
import { canvasIdentity, normalizeCanvasRole, normalizeCanvasRoles, presentValue } from '../identity';
import type { VerifiedLaunch } from '../claims';
import { LIS_ROLES } from '../simulator';

function launch(payload: Record<string, unknown>): VerifiedLaunch {
  return {
    issuer: 'https://canvas.instructure.com',
    clientId: '10000000000001',
    deploymentId: '1:abc',
    subject: 'sub-1',
    nonce: 'n',
    messageType: 'LtiResourceLinkRequest',
    payload: { 'https://purl.imsglobal.org/spec/lti/claim/roles': [], ...payload },
  };
}

describe('Canvas identity', function () {
  it('maps LIS role URIs to normalized roles', () => {
    const cases: Array<[string, string | undefined]> = [
      [LIS_ROLES.learner, 'student'],
      [LIS_ROLES.instructor, 'teacher'],
      [LIS_ROLES.contentDeveloper, 'teacher'],
      [LIS_ROLES.teachingAssistant, 'teacher'],
      [LIS_ROLES.institutionStudent, 'student'],
      [LIS_ROLES.institutionInstructor, 'teacher'],
      [LIS_ROLES.institutionAdmin, 'admin'],
      [LIS_ROLES.institutionStaff, 'staff'],
      ['http://purl.imsglobal.org/vocab/lis/v2/system/person#SysAdmin', 'admin'],
      [LIS_ROLES.systemUser, undefined],
      ['http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor', undefined],
      ['http://purl.imsglobal.org/vocab/lti/system/person#TestUser', undefined],
      ['Learner', 'student'],
      ['https://example.com/vocab#Instructor', undefined],
    ];
    for (const [uri, role] of cases) assert.equal(normalizeCanvasRole(uri), role, uri);
    assert.deepEqual(normalizeCanvasRoles([LIS_ROLES.institutionAdmin, LIS_ROLES.learner, LIS_ROLES.learner, LIS_ROLES.instructor]), ['student', 'teacher', 'admin']);
  });

  it('treats values Canvas could not expand ($…) and blanks as absent', () => {
    assert.equal(presentValue('$Person.email.primary'), undefined);
    assert.equal(presentValue('  '), undefined);
    assert.equal(presentValue(42), undefined);
    assert.equal(presentValue(' ada@school.example '), 'ada@school.example');
  });

  it('builds the identity from the claims, tenant from (iss, client_id, deployment_id)', () => {
    const identity = canvasIdentity(
      launch({
        email: 'Ada@School.example',
        given_name: 'Ada',
        family_name: 'Lovelace',
        name: 'Ada Lovelace',
        'https://purl.imsglobal.org/spec/lti/claim/roles': [LIS_ROLES.learner],
        'https://purl.imsglobal.org/spec/lti/claim/context': { id: 'c1', label: 'BIO', title: 'Biology', type: [] },
      }),
    );
    assert.deepEqual(identity.tenant, { partner: 'canvas', issuer: 'https://canvas.instructure.com', clientId: '10000000000001', deploymentId: '1:abc' });
    assert.equal(identity.subject, 'sub-1');
    assert.equal(identity.email, 'Ada@School.example');
    assert.equal(identity.displayName, 'Ada Lovelace');
    assert.deepEqual(identity.roles, ['student']);
    assert.deepEqual(identity.context, { id: 'c1', label: 'BIO', title: 'Biology' });
  });

  it('takes the email from the custom field only when the claim is absent, and never an unexpanded one', () => {
    const custom = 'https://purl.imsglobal.org/spec/lti/claim/custom';
    assert.equal(canvasIdentity(launch({ [custom]: { launchgate_email: 'ada@school.example' } })).email, 'ada@school.example');
    assert.equal(canvasIdentity(launch({ [custom]: { launchgate_email: '$Person.email.primary' } })).email, undefined);
    assert.equal(canvasIdentity(launch({ email: 'claim@school.example', [custom]: { launchgate_email: 'custom@school.example' } })).email, 'claim@school.example');
  });
});
