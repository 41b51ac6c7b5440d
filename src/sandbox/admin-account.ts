/**
 * The console account the sandbox prints at start: an operator, with a new password at every start
 * (only its hash is stored, so the printed one is the only copy). Created and changed through the
 * account services, so both show in the audit log, by the actor `sandbox`.
 *
 * The account must not outlive the sandbox: a start with the sandbox off disables it (its password
 * sits in old terminal output). A later sandbox start enables it again only if that is what
 * disabled it; one an admin disabled stays disabled. The account model has only `disabledAt`, so
 * the sandbox remembers, in a setting, which disabling was its own: the account id and the time.
 */
import { randomBytes } from 'node:crypto';
import { createAdminAccount, setAdminAccountDisabled, setAdminPassword, type ScryptParams } from '../admin/accounts';
import { adminDeps } from '../admin/services/deps';
import type { ProductCatalog } from '../provisioning/product';
import type { Store } from '../store/port';
import { SANDBOX_ACTOR } from './demo';

export const SANDBOX_ADMIN_EMAIL = 'admin@sandbox.launchgate.example';

/** Set by `retireSandboxAdmin`: `<account id> <disabledAt ISO>` of the disabling it did. */
const RETIRED_SETTING = 'sandbox:admin-retired';

export interface SandboxAdmin {
  email: string;
  password: string;
  /** An admin disabled the account, and the sandbox leaves it so: the password works once it is enabled again. */
  disabled: boolean;
}

type SandboxAdminDeps = { store: Store; products: ProductCatalog; now?: () => Date; scrypt?: ScryptParams };

const accountDepsFor = (deps: SandboxAdminDeps) => ({
  admin: adminDeps({ store: deps.store, products: deps.products, now: deps.now }),
  accounts: deps.store,
  scrypt: deps.scrypt,
});

const retiredMark = (account: { id: string; disabledAt: Date | null }) => `${account.id} ${account.disabledAt?.toISOString() ?? ''}`;

/** Four groups of four letters and digits: easy to copy, about 79 bits. */
export function newSandboxPassword(random: (size: number) => Buffer = randomBytes): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const bytes = random(16);
  const chars = [...bytes].map((b) => alphabet[b % alphabet.length]!);
  return [0, 4, 8, 12].map((i) => chars.slice(i, i + 4).join('')).join('-');
}

export async function resetSandboxAdmin(deps: SandboxAdminDeps): Promise<SandboxAdmin> {
  const accountDeps = accountDepsFor(deps);
  const password = newSandboxPassword();
  const existing = await deps.store.findAdminAccountByEmail(SANDBOX_ADMIN_EMAIL);
  if (existing === null) {
    await createAdminAccount(accountDeps, SANDBOX_ACTOR, { email: SANDBOX_ADMIN_EMAIL, password, role: 'operator' });
    return { email: SANDBOX_ADMIN_EMAIL, password, disabled: false };
  }
  await setAdminPassword(accountDeps, SANDBOX_ACTOR, existing.id, password);
  if (existing.disabledAt === null) return { email: SANDBOX_ADMIN_EMAIL, password, disabled: false };
  // Only a disabling the sandbox-off start did, for this account at this very time, is undone.
  if ((await deps.store.getSetting(RETIRED_SETTING)) !== retiredMark(existing)) return { email: SANDBOX_ADMIN_EMAIL, password, disabled: true };
  await setAdminAccountDisabled(accountDeps, SANDBOX_ACTOR, existing.id, false);
  await deps.store.setSetting(RETIRED_SETTING, '');
  return { email: SANDBOX_ADMIN_EMAIL, password, disabled: false };
}

/**
 * For a start with the sandbox off: disables the sandbox's console account if one is live on this
 * store (audited, by `sandbox`). Returns whether it did.
 */
export async function retireSandboxAdmin(deps: SandboxAdminDeps): Promise<boolean> {
  const existing = await deps.store.findAdminAccountByEmail(SANDBOX_ADMIN_EMAIL);
  if (existing === null || existing.disabledAt !== null) return false;
  const accountDeps = accountDepsFor(deps);
  const after = await setAdminAccountDisabled(accountDeps, SANDBOX_ACTOR, existing.id, true);
  // Written after the disabling: a crash in between leaves the account disabled as if by an admin, the safe side.
  await deps.store.setSetting(RETIRED_SETTING, retiredMark(after));
  return true;
}
