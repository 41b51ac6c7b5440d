import type { Store } from '../store/port';
import { generateToken, hashToken } from '../admin/auth';

const BOOTSTRAP_SETTING = 'bootstrap-operator-token-hash';

/**
 * Makes sure an operator can reach the admin API. A configured LAUNCHGATE_ADMIN_TOKEN is stored
 * (hashed) as an operator token. Otherwise one is generated on the very first start and returned
 * once for printing; only its hash is kept, and of two processes starting at once only one wins.
 */
export async function ensureOperatorToken(store: Store, configured: string | null): Promise<{ printOnce: string | null }> {
  if (configured !== null) {
    const tokenHash = hashToken(configured);
    const existing = await store.findApiTokenByHash(tokenHash);
    if (existing === null) {
      await store.createApiToken({ name: 'LAUNCHGATE_ADMIN_TOKEN', role: 'operator', orgId: null, tokenHash });
    } else if (existing.revokedAt !== null) {
      throw new Error('LAUNCHGATE_ADMIN_TOKEN: this token was revoked; configure a new one');
    }
    return { printOnce: null };
  }
  const candidate = generateToken();
  const candidateHash = hashToken(candidate);
  const winner = await store.getOrSetSetting(BOOTSTRAP_SETTING, candidateHash);
  if (winner !== candidateHash) return { printOnce: null };
  await store.createApiToken({ name: 'bootstrap operator token', role: 'operator', orgId: null, tokenHash: candidateHash });
  return { printOnce: candidate };
}
