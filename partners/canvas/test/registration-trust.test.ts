/**
 * /lti/register is open to anyone: a forged platform configuration must never make LaunchGate
 * trust keys the forger holds for a real issuer.
 */
import assert from 'node:assert/strict';
import { readPlatformConfiguration, RegistrationError } from '../registration';

const forgerUrl = new URL('https://forger.example/api/lti/security/openid-configuration');

function configuration(overrides: Record<string, unknown>) {
  return {
    issuer: 'https://forger.example',
    authorization_endpoint: 'https://forger.example/api/lti/authorize_redirect',
    token_endpoint: 'https://forger.example/login/oauth2/token',
    jwks_uri: 'https://forger.example/api/lti/security/jwks',
    registration_endpoint: 'https://forger.example/api/lti/registrations',
    ...overrides,
  };
}

describe('Canvas dynamic registration: whose keys a pending connection trusts', () => {
  it('a forged configuration claiming hosted Canvas gets Instructure’s own endpoints, not the forger’s', () => {
    const read = readPlatformConfiguration(configuration({ issuer: 'https://canvas.instructure.com' }), forgerUrl, false);
    assert.equal(read.issuer, 'https://canvas.instructure.com');
    assert.equal(read.jwksUri, 'https://sso.canvaslms.com/api/lti/security/jwks');
    assert.equal(read.authorizationEndpoint, 'https://sso.canvaslms.com/api/lti/authorize_redirect');
  });

  it('beta and test hosted Canvas are pinned to their own SSO hosts', () => {
    assert.equal(readPlatformConfiguration(configuration({ issuer: 'https://canvas.beta.instructure.com' }), forgerUrl, false).jwksUri, 'https://sso.beta.canvaslms.com/api/lti/security/jwks');
    assert.equal(readPlatformConfiguration(configuration({ issuer: 'https://canvas.test.instructure.com' }), forgerUrl, false).jwksUri, 'https://sso.test.canvaslms.com/api/lti/security/jwks');
  });

  it('refuses a self-hosted issuer whose key set lives on another host', () => {
    assert.throws(
      () => readPlatformConfiguration(configuration({ issuer: 'https://canvas.school.example' }), forgerUrl, false),
      (err: unknown) => err instanceof RegistrationError && err.code === 'platform_endpoints_foreign',
    );
  });

  it('keeps a self-hosted Canvas whose endpoints are on its issuer’s host', () => {
    const url = new URL('https://canvas.school.example/api/lti/security/openid-configuration');
    const read = readPlatformConfiguration(
      configuration({
        issuer: 'https://canvas.school.example',
        authorization_endpoint: 'https://canvas.school.example/api/lti/authorize_redirect',
        jwks_uri: 'https://canvas.school.example/api/lti/security/jwks',
        registration_endpoint: 'https://canvas.school.example/api/lti/registrations',
      }),
      url,
      false,
    );
    assert.equal(read.jwksUri, 'https://canvas.school.example/api/lti/security/jwks');
  });
});
