import assert from 'node:assert/strict';
import { loadConfig } from '../../src/server/config';
import { configError } from '../support/config-errors';


describe('configuration', () => {
  it('has defaults that let the quick start run with nothing set', () => {
    const config = loadConfig({}, '/srv/app');
    assert.equal(config.port, 3000);
    assert.equal(config.publicUrl.origin, 'http://localhost:3000');
    assert.equal(config.mongodbUri, null);
    assert.equal(config.dataDir, '/srv/app/data');
    assert.equal(config.products.length, 1);
    assert.equal(config.products[0]!.launchUrl, 'http://localhost:3000/product/studio');
    assert.equal(config.clever, null, 'Clever is off until its client id is set');
  });

  it('names the variable and the problem in one line for a bad port', () => {
    const err = configError({ PORT: 'eighty' });
    assert.equal(err.variable, 'PORT');
    assert.match(err.message, /^PORT: must be a whole number/);
    assert.ok(!err.message.includes('\n'));
  });

  it('refuses to start in production without LAUNCHGATE_SECRET', () => {
    assert.equal(configError({ NODE_ENV: 'production', PUBLIC_URL: 'https://lg.example.org' }).variable, 'LAUNCHGATE_SECRET');
  });

  it('refuses plain-HTTP PUBLIC_URL in production', () => {
    assert.equal(configError({ NODE_ENV: 'production', PUBLIC_URL: 'http://lg.example.org', LAUNCHGATE_SECRET: 'x'.repeat(40) }).variable, 'PUBLIC_URL');
  });

  it('refuses a short secret, a short admin token, a bad log level and a non-mongodb URI', () => {
    assert.equal(configError({ LAUNCHGATE_SECRET: 'short' }).variable, 'LAUNCHGATE_SECRET');
    assert.equal(configError({ LAUNCHGATE_ADMIN_TOKEN: 'short' }).variable, 'LAUNCHGATE_ADMIN_TOKEN');
    assert.equal(configError({ LOG_LEVEL: 'loud' }).variable, 'LOG_LEVEL');
    assert.equal(configError({ MONGODB_URI: 'postgres://x' }).variable, 'MONGODB_URI');
  });

  it('turns a partner on only with both client id and secret', () => {
    assert.equal(configError({ CLEVER_CLIENT_ID: 'abc' }).variable, 'CLEVER_CLIENT_SECRET');
    const config = loadConfig({ CLEVER_CLIENT_ID: 'abc', CLEVER_CLIENT_SECRET: 'def', CLEVER_API_URL: 'http://127.0.0.1:9/' }, '/tmp');
    assert.equal(config.clever?.tokenUrl, 'https://clever.com/oauth/tokens');
    assert.equal(config.clever?.apiUrl, 'http://127.0.0.1:9');
  });

  it('validates configured products', () => {
    const config = loadConfig({ LAUNCHGATE_PRODUCTS: JSON.stringify([{ id: 'paint', name: 'Paint', launchUrl: 'https://paint.example.org/go', jitEligible: false }]) }, '/tmp');
    assert.equal(config.products[0]!.id, 'paint');
    assert.equal(config.defaultProductId, 'paint');
    assert.equal(configError({ LAUNCHGATE_PRODUCTS: '[{"id":"Bad Id"}]' }).variable, 'LAUNCHGATE_PRODUCTS[0].id');
    assert.equal(configError({ LAUNCHGATE_PRODUCTS: 'not json' }).variable, 'LAUNCHGATE_PRODUCTS');
  });

  it('refuses sandbox mode in production', () => {
    assert.equal(
      configError({ NODE_ENV: 'production', PUBLIC_URL: 'https://lg.example.org', LAUNCHGATE_SECRET: 'x'.repeat(40), LAUNCHGATE_SANDBOX: '1' }).variable,
      'LAUNCHGATE_SANDBOX',
    );
  });
});
