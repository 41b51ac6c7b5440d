/** The error mapping of partner calls, with outbound HTTP replaced by a function. */
import assert from 'node:assert/strict';
import { OAuthLaunchError } from './errors';
import { exchangeCode, getUserJson, type FetchLike } from './partner-http';

function answering(status: number, body: string): { fetch: FetchLike; requests: { url: string; init: RequestInit }[] } {
  const requests: { url: string; init: RequestInit }[] = [];
  const fake = (async (url: string | URL | Request, init?: RequestInit) => {
    requests.push({ url: String(url), init: init ?? {} });
    return new Response(body, { status });
  }) as FetchLike;
  return { fetch: fake, requests };
}

const exchange = {
  tokenUrl: 'https://partner.example/oauth/tokens',
  clientId: 'id-1',
  clientSecret: 's3cret-value',
  code: 'code-1',
  redirectUri: 'https://launchgate.example/auth/clever/callback',
};

async function failure(promise: Promise<unknown>): Promise<OAuthLaunchError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof OAuthLaunchError, `expected an OAuthLaunchError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a failure');
}

describe('partner HTTP calls', function () {
  it('sends Basic client authentication and keeps the secret out of the form (Clever)', async () => {
    const fake = answering(200, '{"access_token":"il_abc","token_type":"bearer"}');
    const tokens = await exchangeCode({ ...exchange, clientAuth: 'basic' }, { timeoutMs: 1000, fetch: fake.fetch });
    assert.equal(tokens.accessToken, 'il_abc');
    const { init } = fake.requests[0]!;
    assert.equal((init.headers as Record<string, string>).authorization, 'Basic ' + Buffer.from('id-1:s3cret-value').toString('base64'));
    const form = new URLSearchParams(String(init.body));
    assert.equal(form.get('client_secret'), null);
    assert.equal(form.get('grant_type'), 'authorization_code');
    assert.equal(form.get('redirect_uri'), exchange.redirectUri);
  });

  it('sends the client id and secret in the form body (ClassLink)', async () => {
    const fake = answering(200, '{"access_token":"abc","token_type":"Bearer","id_token":"x.y.z"}');
    await exchangeCode({ ...exchange, clientAuth: 'body' }, { timeoutMs: 1000, fetch: fake.fetch });
    const form = new URLSearchParams(String(fake.requests[0]!.init.body));
    assert.equal(form.get('client_id'), 'id-1');
    assert.equal(form.get('client_secret'), 's3cret-value');
    assert.equal((fake.requests[0]!.init.headers as Record<string, string>).authorization, undefined);
  });

  it('maps invalid_grant to a launch check and other refusals to the status, never echoing the description', async () => {
    const grant = await failure(exchangeCode({ ...exchange, clientAuth: 'basic' }, { timeoutMs: 1000, fetch: answering(400, '{"error":"invalid_grant"}').fetch }));
    assert.deepEqual([grant.reason, grant.check], ['launch_invalid', 'code_rejected']);
    const client = await failure(
      exchangeCode({ ...exchange, clientAuth: 'basic' }, { timeoutMs: 1000, fetch: answering(401, '{"error":"invalid_client","error_description":"secret s3cret-value is wrong"}').fetch }),
    );
    assert.deepEqual([client.reason, client.check], ['partner_error', 'token_endpoint_401']);
    assert.match(client.message, /401 invalid_client/);
    assert.doesNotMatch(client.message, /s3cret/);
  });

  it('maps an unreachable partner and a timeout to their own checks', async () => {
    const refused = (async () => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    }) as FetchLike;
    const down = await failure(getUserJson('https://api.partner.example/v3.0/me', 'tok', { timeoutMs: 1000, fetch: refused }));
    assert.deepEqual([down.check, down.message], ['userinfo_unreachable', 'the user-info endpoint could not be reached (ECONNREFUSED)']);
    const slow = (async () => {
      throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    }) as FetchLike;
    const late = await failure(exchangeCode({ ...exchange, clientAuth: 'body' }, { timeoutMs: 250, fetch: slow }));
    assert.equal(late.check, 'token_timeout');
  });

  it('reads user info with the bearer token and refuses non-JSON', async () => {
    const fake = answering(200, '{"data":{"id":"u1"}}');
    assert.deepEqual(await getUserJson('https://api.partner.example/v3.0/me', 'tok-1', { timeoutMs: 1000, fetch: fake.fetch }), { data: { id: 'u1' } });
    assert.equal((fake.requests[0]!.init.headers as Record<string, string>).authorization, 'Bearer tok-1');
    const html = await failure(getUserJson('https://api.partner.example/v3.0/me', 'tok-1', { timeoutMs: 1000, fetch: answering(200, '<html>').fetch }));
    assert.equal(html.check, 'userinfo_malformed');
  });
});
