/** The error mapping of partner calls, with outbound HTTP replaced by a fake transport. */
import assert from 'node:assert/strict';
import { OAuthLaunchError } from './errors';
import { exchangeCode, getUserJson } from './partner-http';
import { TransportFailure, type PartnerRequest, type PartnerTransport } from './partner-transport';
import { rejectionOf } from '../../test/support/rejection';

function answering(status: number, text: string): { transport: PartnerTransport; requests: PartnerRequest[] } {
  const requests: PartnerRequest[] = [];
  const transport: PartnerTransport = {
    async send(request) {
      requests.push(request);
      return { status, text };
    },
    close() {},
  };
  return { transport, requests };
}

function failing(failure: TransportFailure): PartnerTransport {
  return {
    async send() {
      throw failure;
    },
    close() {},
  };
}

const exchange = {
  tokenUrl: 'https://partner.example/oauth/tokens',
  clientId: 'id-1',
  clientSecret: 's3cret-value',
  code: 'code-1',
  redirectUri: 'https://launchgate.example/auth/clever/callback',
};

const failure = (promise: Promise<unknown>) => rejectionOf(promise, OAuthLaunchError);

describe('partner HTTP calls', function () {
  it('sends Basic client authentication and keeps the secret out of the form (Clever)', async () => {
    const fake = answering(200, '{"access_token":"il_abc","token_type":"bearer"}');
    const tokens = await exchangeCode({ ...exchange, clientAuth: 'basic' }, { timeoutMs: 1000, transport: fake.transport });
    assert.equal(tokens.accessToken, 'il_abc');
    const request = fake.requests[0]!;
    assert.equal(request.method, 'POST');
    assert.equal(request.url, exchange.tokenUrl);
    assert.equal(request.headers.authorization, 'Basic ' + Buffer.from('id-1:s3cret-value').toString('base64'));
    const form = new URLSearchParams(request.body);
    assert.equal(form.get('client_secret'), null);
    assert.equal(form.get('grant_type'), 'authorization_code');
    assert.equal(form.get('redirect_uri'), exchange.redirectUri);
  });

  it('sends the client id and secret in the form body (ClassLink)', async () => {
    const fake = answering(200, '{"access_token":"abc","token_type":"Bearer","id_token":"x.y.z"}');
    await exchangeCode({ ...exchange, clientAuth: 'body' }, { timeoutMs: 1000, transport: fake.transport });
    const form = new URLSearchParams(fake.requests[0]!.body);
    assert.equal(form.get('client_id'), 'id-1');
    assert.equal(form.get('client_secret'), 's3cret-value');
    assert.equal(fake.requests[0]!.headers.authorization, undefined);
  });

  it('maps invalid_grant to a launch check and other refusals to the status, never echoing the description', async () => {
    const grant = await failure(exchangeCode({ ...exchange, clientAuth: 'basic' }, { timeoutMs: 1000, transport: answering(400, '{"error":"invalid_grant"}').transport }));
    assert.deepEqual([grant.reason, grant.check], ['launch_invalid', 'code_rejected']);
    const client = await failure(
      exchangeCode(
        { ...exchange, clientAuth: 'basic' },
        { timeoutMs: 1000, transport: answering(401, '{"error":"invalid_client","error_description":"secret s3cret-value is wrong"}').transport },
      ),
    );
    assert.deepEqual([client.reason, client.check], ['partner_error', 'token_endpoint_401']);
    assert.match(client.message, /401 invalid_client/);
    assert.doesNotMatch(client.message, /s3cret/);
  });

  it('maps an unreachable partner, a timeout and an oversized answer to their own checks', async () => {
    const down = await failure(
      getUserJson('https://api.partner.example/v3.0/me', 'tok', { timeoutMs: 1000, transport: failing(new TransportFailure('unreachable', 'ECONNREFUSED', 'the connection failed')) }),
    );
    assert.deepEqual([down.check, down.message], ['userinfo_unreachable', 'the user-info endpoint could not be reached (ECONNREFUSED)']);
    const late = await failure(
      exchangeCode({ ...exchange, clientAuth: 'body' }, { timeoutMs: 250, transport: failing(new TransportFailure('timeout', 'timeout', 'no answer')) }),
    );
    assert.deepEqual([late.check, late.message], ['token_timeout', 'the token endpoint did not answer within 250 ms']);
    const huge = await failure(
      getUserJson('https://api.partner.example/v3.0/me', 'tok', { timeoutMs: 1000, maxBytes: 64, transport: failing(new TransportFailure('too_large', 'too_large', 'too big')) }),
    );
    assert.deepEqual([huge.check, huge.message], ['userinfo_malformed', 'the user-info endpoint answered more than 64 bytes']);
  });

  it('reads user info with the bearer token and refuses non-JSON', async () => {
    const fake = answering(200, '{"data":{"id":"u1"}}');
    assert.deepEqual(await getUserJson('https://api.partner.example/v3.0/me', 'tok-1', { timeoutMs: 1000, transport: fake.transport }), { data: { id: 'u1' } });
    assert.deepEqual([fake.requests[0]!.method, fake.requests[0]!.headers.authorization], ['GET', 'Bearer tok-1']);
    const html = await failure(getUserJson('https://api.partner.example/v3.0/me', 'tok-1', { timeoutMs: 1000, transport: answering(200, '<html>').transport }));
    assert.equal(html.check, 'userinfo_malformed');
  });
});
