/**
 * Makes sure an operator can reach the admin API at start.
 *
 * - LAUNCHGATE_ADMIN_TOKEN set: it is stored (hashed) as an operator token named after the variable.
 *   When the variable changes, the token the previous value made is revoked, so rotating the
 *   variable rotates access; a value that was revoked is refused, never revived.
 * - Not set: one operator token is generated on the very first start and returned once for
 *   printing; only its hash is kept. A token an earlier value of the variable made is revoked:
 *   unsetting the variable withdraws the access it gave, as changing it does.
 *
 * Every write is ordered so that a crash between two of them leaves a state the next start
 * finishes: the token row is written before anything that says it exists, and revocations come
 * after the new token works. Both kinds of token are recorded in the audit log, by `bootstrap`.
 */
import { generateToken, hashToken, type Actor } from '../admin/auth';
import { recordAdminChange } from '../admin/services/audit';
import type { AdminDeps } from '../admin/services/deps';
import type { ApiToken } from '../store/model';
import type { Store } from '../store/port';

/** The setting that says the first-start token was handed out (its hash), so it is made only once. */
export const BOOTSTRAP_SETTING = 'bootstrap-operator-token-hash';
export const GENERATED_TOKEN_NAME = 'bootstrap operator token';
/** Marks the tokens LAUNCHGATE_ADMIN_TOKEN made: of these, only the current value's stays valid. */
export const ENV_TOKEN_NAME = 'LAUNCHGATE_ADMIN_TOKEN';

export const BOOTSTRAP_ACTOR: Actor = { kind: 'operator', id: 'bootstrap' };

export class RevokedAdminTokenError extends Error {
  override readonly name = 'RevokedAdminTokenError';
  readonly code = 'admin_token_revoked';
}

export interface BootstrapOptions {
  now?: () => Date;
}

type AuditDeps = Pick<AdminDeps, 'store' | 'now'>;

async function recordCreated(deps: AuditDeps, token: ApiToken): Promise<void> {
  await recordAdminChange(deps, BOOTSTRAP_ACTOR, { action: 'api_token.created', orgId: null, detail: { tokenId: token.id, name: token.name, role: token.role } });
}

/** Creates the row, or finds the one another process starting at the same time created. */
async function createOrFind(store: Store, name: string, tokenHash: string): Promise<{ token: ApiToken; created: boolean }> {
  try {
    return { token: await store.createApiToken({ name, role: 'operator', orgId: null, tokenHash }), created: true };
  } catch (err) {
    // The hash is unique: losing the race to insert it means the row is there now.
    const existing = await store.findApiTokenByHash(tokenHash);
    if (existing === null) throw err;
    return { token: existing, created: false };
  }
}

async function ensureEnvToken(store: Store, deps: AuditDeps, configured: string): Promise<void> {
  const tokenHash = hashToken(configured);
  let current = await store.findApiTokenByHash(tokenHash);
  if (current?.revokedAt != null) {
    throw new RevokedAdminTokenError('LAUNCHGATE_ADMIN_TOKEN: this token was revoked; configure a new one');
  }
  if (current === null) {
    const made = await createOrFind(store, ENV_TOKEN_NAME, tokenHash);
    current = made.token;
    if (made.created) await recordCreated(deps, current);
  }
  await revokeEnvTokens(store, deps, current.id, 'LAUNCHGATE_ADMIN_TOKEN changed');
}

/**
 * Revokes the live tokens an earlier value of the variable made (all of them but `keep`): nobody
 * should hold them any more. Of two processes revoking the same one, only the one whose revocation
 * took records it.
 */
async function revokeEnvTokens(store: Store, deps: AuditDeps, keep: string | null, why: string): Promise<void> {
  const operatorTokens = await store.listApiTokens({ orgId: null, role: 'operator' });
  for (const old of operatorTokens) {
    if (old.name !== ENV_TOKEN_NAME || old.id === keep || old.revokedAt !== null) continue;
    if (!(await store.revokeApiToken(old.id, deps.now()))) continue;
    await recordAdminChange(deps, BOOTSTRAP_ACTOR, {
      action: 'api_token.revoked',
      orgId: null,
      detail: { tokenId: old.id, name: old.name, role: old.role, why },
    });
  }
}

/**
 * The first-start token. The row is written first and the setting second, so a crash in between
 * leaves an unknown (never shown) token and no setting: the next start simply makes another one.
 * Of two processes starting at once, the one whose hash the setting keeps prints its token; the
 * other revokes the row it wrote.
 */
async function ensureGeneratedToken(store: Store, deps: AuditDeps): Promise<string | null> {
  if ((await store.getSetting(BOOTSTRAP_SETTING)) !== null) return null;
  const candidate = generateToken();
  const candidateHash = hashToken(candidate);
  const row = await store.createApiToken({ name: GENERATED_TOKEN_NAME, role: 'operator', orgId: null, tokenHash: candidateHash });
  const winner = await store.getOrSetSetting(BOOTSTRAP_SETTING, candidateHash);
  if (winner !== candidateHash) {
    await store.revokeApiToken(row.id, deps.now());
    return null;
  }
  await recordCreated(deps, row);
  return candidate;
}

export async function ensureOperatorToken(store: Store, configured: string | null, options: BootstrapOptions = {}): Promise<{ printOnce: string | null }> {
  const deps: AuditDeps = { store, now: options.now ?? (() => new Date()) };
  if (configured !== null) {
    await ensureEnvToken(store, deps, configured);
    return { printOnce: null };
  }
  // The generated token first, so an operator can get in before the env token stops working.
  const printOnce = await ensureGeneratedToken(store, deps);
  await revokeEnvTokens(store, deps, null, 'LAUNCHGATE_ADMIN_TOKEN unset');
  return { printOnce };
}
