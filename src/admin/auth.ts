/**
 * Who is making an admin change, and how a bearer token becomes that actor. Every admin service
 * takes an `Actor` first; where it came from (API token today, console session or CLI later) does
 * not matter to the services.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ApiToken } from '../store/model';
import type { Store } from '../store/port';
import { AdminError } from './services/errors';

export type Actor =
  /** Sees and changes everything. */
  | { kind: 'operator'; id: string }
  /** Sees and changes only its own organization. */
  | { kind: 'org_admin'; id: string; orgId: string };

/** The actor the CLI acts as: it runs on the server with the operator's access. */
export const CLI_ACTOR: Actor = { kind: 'operator', id: 'cli' };

const TOKEN_PREFIX = 'lg_';
/** Longer than any token we issue, short enough that hashing it costs nothing. */
const MAX_TOKEN_LENGTH = 512;

/** sha256 hex: what the store keeps instead of the token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** 32 random bytes, base64url, with a prefix so a leaked token is recognizable in logs and scanners. */
export function generateToken(random: (size: number) => Buffer = randomBytes): string {
  return TOKEN_PREFIX + random(32).toString('base64url');
}

export function actorForToken(token: ApiToken): Actor | null {
  const id = `token:${token.id}`;
  if (token.role === 'operator') return { kind: 'operator', id };
  if (token.role === 'org_admin' && token.orgId !== null) return { kind: 'org_admin', id, orgId: token.orgId };
  return null;
}

/** Extracts the token of `Authorization: Bearer <token>` (RFC 6750); null when absent or malformed. */
export function bearerToken(header: string | undefined): string | null {
  if (header === undefined) return null;
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
  if (!match || match[1]!.length > MAX_TOKEN_LENGTH) return null;
  return match[1]!;
}

export interface AuthenticateOptions {
  now: () => Date;
  /** Told when recording last use fails; the request goes on regardless. */
  onTouchError?: (error: unknown) => void;
}

/**
 * Resolves an `Authorization` header to an actor or throws `unauthorized`. The token is looked up
 * by its hash, so no comparison of secret bytes happens here that timing could reveal.
 */
export async function authenticateBearer(
  store: Pick<Store, 'findApiTokenByHash' | 'touchApiToken'>,
  header: string | undefined,
  options: AuthenticateOptions,
): Promise<Actor> {
  const token = bearerToken(header);
  if (token === null) {
    throw new AdminError('unauthorized', 'Send an API token as "Authorization: Bearer <token>".');
  }
  const record = await store.findApiTokenByHash(hashToken(token));
  const actor = record !== null && record.revokedAt === null ? actorForToken(record) : null;
  if (record === null || actor === null) {
    // One message for unknown, revoked and malformed records: which one it was is not the caller's business.
    throw new AdminError('unauthorized', 'The API token is not valid, or has been revoked.');
  }
  store.touchApiToken(record.id, options.now()).catch((error: unknown) => options.onTouchError?.(error));
  return actor;
}
