/**
 * The console account the sandbox prints at start: an operator, with a new password at every start
 * (only its hash is stored, so the printed one is the only copy). Created and changed through the
 * account services, so both show in the audit log, by the actor `sandbox`.
 */
import { randomBytes } from 'node:crypto';
import { createAdminAccount, setAdminAccountDisabled, setAdminPassword, type ScryptParams } from '../admin/accounts';
import { adminDeps } from '../admin/services/deps';
import type { ProductCatalog } from '../provisioning/product';
import type { Store } from '../store/port';
import { SANDBOX_ACTOR } from './demo';

export const SANDBOX_ADMIN_EMAIL = 'admin@sandbox.launchgate.example';

export interface SandboxAdmin {
  email: string;
  password: string;
}

/** Four groups of four letters and digits: easy to copy, about 79 bits. */
export function newSandboxPassword(random: (size: number) => Buffer = randomBytes): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const bytes = random(16);
  const chars = [...bytes].map((b) => alphabet[b % alphabet.length]!);
  return [0, 4, 8, 12].map((i) => chars.slice(i, i + 4).join('')).join('-');
}

export async function resetSandboxAdmin(deps: { store: Store; products: ProductCatalog; now?: () => Date; scrypt?: ScryptParams }): Promise<SandboxAdmin> {
  const accountDeps = { admin: adminDeps({ store: deps.store, products: deps.products, now: deps.now }), accounts: deps.store, scrypt: deps.scrypt };
  const password = newSandboxPassword();
  const existing = await deps.store.findAdminAccountByEmail(SANDBOX_ADMIN_EMAIL);
  if (existing === null) {
    await createAdminAccount(accountDeps, SANDBOX_ACTOR, { email: SANDBOX_ADMIN_EMAIL, password, role: 'operator' });
  } else {
    await setAdminPassword(accountDeps, SANDBOX_ACTOR, existing.id, password);
    if (existing.disabledAt !== null) await setAdminAccountDisabled(accountDeps, SANDBOX_ACTOR, existing.id, false);
  }
  return { email: SANDBOX_ADMIN_EMAIL, password };
}
