/**
 * API tokens for the admin API. An organization's tokens act as that organization's admin; the
 * token is shown once when created and only its sha256 is kept.
 */
import type { ApiToken } from '../../store/model';
import { generateToken, hashToken, type Actor } from '../auth';
import { recordAdminChange } from './audit';
import type { AdminDeps, CallMeta } from './deps';
import { invalidInput, notFound } from './errors';
import { orgScope, requireOperator, visibleOrganization } from './scope';

/** A token as admins see it: never its hash. */
export type ApiTokenView = Omit<ApiToken, 'tokenHash'>;

export interface CreatedApiToken extends ApiTokenView {
  /** The token itself: shown this once, never stored. */
  token: string;
}

export const MAX_TOKEN_NAME = 100;

function view(token: ApiToken): ApiTokenView {
  const { tokenHash: _hash, ...rest } = token;
  return rest;
}

function checkName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '') throw invalidInput('Give the token a name that says where it is used, e.g. "SIS sync".', 'name');
  if (trimmed.length > MAX_TOKEN_NAME) throw invalidInput(`The name must be at most ${MAX_TOKEN_NAME} characters.`, 'name');
  return trimmed;
}

/** An organization's tokens, newest last; `null` lists the operator's deployment-wide tokens. */
export async function listApiTokens(deps: AdminDeps, actor: Actor, orgId: string | null): Promise<ApiTokenView[]> {
  if (orgId === null) requireOperator(actor, 'list operator tokens');
  else await visibleOrganization(deps, actor, orgId);
  return (await deps.store.listApiTokens({ orgId })).map(view);
}

/** `orgId: null` creates an operator token, which only the operator may do. */
export async function createApiToken(
  deps: AdminDeps,
  actor: Actor,
  orgId: string | null,
  input: { name: string },
  meta?: CallMeta,
): Promise<CreatedApiToken> {
  if (orgId === null) requireOperator(actor, 'create operator tokens');
  else await visibleOrganization(deps, actor, orgId);
  const name = checkName(input.name);
  const token = generateToken();
  const record = await deps.store.createApiToken({
    name,
    role: orgId === null ? 'operator' : 'org_admin',
    orgId,
    tokenHash: hashToken(token),
  });
  await recordAdminChange(deps, actor, { action: 'api_token.created', orgId, detail: { tokenId: record.id, name, role: record.role } }, meta);
  return { ...view(record), token };
}

export async function revokeApiToken(deps: AdminDeps, actor: Actor, tokenId: string, meta?: CallMeta): Promise<ApiTokenView> {
  const scope = orgScope(actor);
  const candidates = await deps.store.listApiTokens(scope === undefined ? {} : { orgId: scope });
  const token = candidates.find((t) => t.id === tokenId);
  if (token === undefined) throw notFound('API token', tokenId);
  if (token.revokedAt !== null) return view(token);
  await deps.store.revokeApiToken(tokenId, deps.now());
  await recordAdminChange(deps, actor, { action: 'api_token.revoked', orgId: token.orgId, detail: { tokenId, name: token.name, role: token.role } }, meta);
  const after = (await deps.store.listApiTokens({ orgId: token.orgId })).find((t) => t.id === tokenId);
  return view(after ?? token);
}
