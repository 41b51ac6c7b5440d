/**
 * Every call LaunchGate makes to an OAuth partner: the code exchange and the user-info reads. Each
 * has a deadline and a size limit, and every way it can go wrong becomes one typed OAuthLaunchError.
 * Nothing here logs, and no message carries a code, a token or a secret.
 */
import { launchInvalid, partnerError } from './errors';
import { TransportFailure, type PartnerAnswer, type PartnerRequest, type PartnerTransport } from './partner-transport';

export interface PartnerHttpOptions {
  /** Deadline for each call, connection and body included. */
  timeoutMs: number;
  /** The largest answer read from the partner, in bytes; 1 MiB by default. */
  maxBytes?: number;
  transport: PartnerTransport;
}

/** How the client proves itself at the token endpoint: HTTP Basic (Clever) or form fields (ClassLink). */
export type ClientAuth = 'basic' | 'body';

export interface CodeExchange {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  clientAuth: ClientAuth;
  code: string;
  redirectUri: string;
  codeVerifier?: string;
}

export interface TokenSet {
  accessToken: string;
}

type Step = 'token' | 'userinfo';

const LABEL: Record<Step, string> = { token: 'the token endpoint', userinfo: 'the user-info endpoint' };

export const DEFAULT_MAX_BYTES = 1024 * 1024;

async function call(step: Step, request: PartnerRequest, http: PartnerHttpOptions): Promise<PartnerAnswer> {
  const maxBytes = http.maxBytes ?? DEFAULT_MAX_BYTES;
  try {
    return await http.transport.send(request, { timeoutMs: http.timeoutMs, maxBytes });
  } catch (err) {
    if (!(err instanceof TransportFailure)) {
      throw partnerError(`${step}_unreachable`, `${LABEL[step]} could not be reached (${err instanceof Error ? err.name : 'unknown error'})`);
    }
    switch (err.kind) {
      case 'timeout':
        throw partnerError(`${step}_timeout`, `${LABEL[step]} did not answer within ${http.timeoutMs} ms`);
      case 'too_large':
        throw partnerError(`${step}_malformed`, `${LABEL[step]} answered more than ${maxBytes} bytes`);
      case 'unreachable':
        throw partnerError(`${step}_unreachable`, `${LABEL[step]} could not be reached (${err.code})`);
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The OAuth `error` code of an error answer, when it looks like one (never the description). */
function oauthErrorCode(body: unknown): string | null {
  if (!isRecord(body) || typeof body.error !== 'string') return null;
  return /^[A-Za-z0-9_.-]{1,64}$/.test(body.error) ? body.error : null;
}

export async function exchangeCode(exchange: CodeExchange, http: PartnerHttpOptions): Promise<TokenSet> {
  const form = new URLSearchParams({ grant_type: 'authorization_code', code: exchange.code, redirect_uri: exchange.redirectUri });
  if (exchange.codeVerifier !== undefined) form.set('code_verifier', exchange.codeVerifier);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (exchange.clientAuth === 'basic') {
    headers.authorization = 'Basic ' + Buffer.from(`${exchange.clientId}:${exchange.clientSecret}`).toString('base64');
  } else {
    form.set('client_id', exchange.clientId);
    form.set('client_secret', exchange.clientSecret);
  }
  const answer = await call('token', { method: 'POST', url: exchange.tokenUrl, headers, body: form.toString() }, http);
  const body = parseJson(answer.text);

  if (answer.status < 200 || answer.status > 299) {
    const code = oauthErrorCode(body);
    // invalid_grant: the code is unknown, expired or already used. The launch, not the partner, is at fault.
    if (code === 'invalid_grant') {
      throw launchInvalid('code_rejected', `the partner refused the authorization code (HTTP ${answer.status} invalid_grant)`);
    }
    throw partnerError(`token_endpoint_${answer.status}`, `the token endpoint answered HTTP ${answer.status}${code ? ` ${code}` : ''}`);
  }
  if (!isRecord(body)) throw partnerError('token_malformed', 'the token endpoint answered something other than a JSON object');
  if (typeof body.access_token !== 'string' || body.access_token === '') {
    throw partnerError('token_malformed', 'the token endpoint answer has no access_token');
  }
  return { accessToken: body.access_token };
}

/** GET a JSON document with the user's bearer token. */
export async function getUserJson(url: string, accessToken: string, http: PartnerHttpOptions): Promise<unknown> {
  const answer = await call('userinfo', { method: 'GET', url, headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' } }, http);
  if (answer.status < 200 || answer.status > 299) {
    throw partnerError(`userinfo_endpoint_${answer.status}`, `${new URL(url).pathname} answered HTTP ${answer.status}`);
  }
  const body = parseJson(answer.text);
  if (body === undefined) throw partnerError('userinfo_malformed', `${new URL(url).pathname} answered something other than JSON`);
  return body;
}
