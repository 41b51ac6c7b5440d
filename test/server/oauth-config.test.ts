/** PKCE, ClassLink's scope and the partner deadline come from the environment, validated at start-up. */
import assert from 'node:assert/strict';
import { CLASSLINK_DEFAULT_SCOPE, classlinkDefinition } from '../../partners/classlink';
import { cleverDefinition } from '../../partners/clever';
import { DEFAULT_PARTNER_TIMEOUT_MS } from '../../partners/oauth/oauth-partner';
import { loadConfig } from '../../src/server/config';
import { configError } from '../support/config-errors';


describe('configuration: OAuth partner settings', () => {
  it('defaults to what the adapters do without configuration: no PKCE, scope profile, 10 s', () => {
    const { oauth } = loadConfig({}, '/tmp');
    assert.deepEqual(oauth, { timeoutMs: 10_000, cleverPkce: false, classlinkPkce: false, classlinkScope: 'profile' });
    assert.equal(oauth.classlinkScope, CLASSLINK_DEFAULT_SCOPE);
    assert.equal(oauth.timeoutMs, DEFAULT_PARTNER_TIMEOUT_MS);
    assert.equal(cleverDefinition().pkce, oauth.cleverPkce);
    assert.equal(classlinkDefinition().pkce, oauth.classlinkPkce);
    assert.equal(classlinkDefinition().scope, oauth.classlinkScope);
  });

  it('reads CLEVER_PKCE, CLASSLINK_PKCE, CLASSLINK_SCOPE and PARTNER_TIMEOUT_MS', () => {
    const { oauth } = loadConfig({ CLEVER_PKCE: 'true', CLASSLINK_PKCE: '1', CLASSLINK_SCOPE: '  profile   oneroster ', PARTNER_TIMEOUT_MS: '2500' }, '/tmp');
    assert.deepEqual(oauth, { timeoutMs: 2500, cleverPkce: true, classlinkPkce: true, classlinkScope: 'profile oneroster' });
    assert.equal(loadConfig({ CLEVER_PKCE: 'off' }, '/tmp').oauth.cleverPkce, false);
  });

  it('refuses a PKCE switch that is not a boolean', () => {
    assert.equal(configError({ CLEVER_PKCE: 'S256' }).variable, 'CLEVER_PKCE');
    assert.equal(configError({ CLASSLINK_PKCE: 'maybe' }).variable, 'CLASSLINK_PKCE');
  });

  it('refuses a deadline that is not a positive whole number of milliseconds, or longer than two minutes', () => {
    for (const bad of ['0', '-5', '1.5', '10s', '120001', '9999999']) {
      const err = configError({ PARTNER_TIMEOUT_MS: bad });
      assert.equal(err.variable, 'PARTNER_TIMEOUT_MS', bad);
      assert.match(err.message, /whole number of milliseconds/);
    }
    assert.equal(loadConfig({ PARTNER_TIMEOUT_MS: '120000' }, '/tmp').oauth.timeoutMs, 120_000);
  });

  it('refuses a scope with characters OAuth scope names cannot hold', () => {
    assert.equal(configError({ CLASSLINK_SCOPE: 'profile "email"' }).variable, 'CLASSLINK_SCOPE');
    assert.equal(configError({ CLASSLINK_SCOPE: 'profile,email\\x' }).variable, 'CLASSLINK_SCOPE');
  });
});
