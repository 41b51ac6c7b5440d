/**
 * Where admin accounts live. Until every store adapter implements the admin-account part of the
 * port, the console and the CLI ask for it here and get a clear error from a store that lacks it.
 */
import type { AdminAccountStore, Store } from '../../store/port';

const METHODS = ['createAdminAccount', 'getAdminAccount', 'findAdminAccountByEmail', 'listAdminAccounts', 'updateAdminAccount'] as const;

export function adminAccountStore(store: Store): AdminAccountStore {
  const candidate = store as Store & Partial<AdminAccountStore>;
  if (METHODS.every((m) => typeof candidate[m] === 'function')) return candidate as Store & AdminAccountStore;
  throw new Error(`The ${store.kind} store does not keep admin accounts yet.`);
}
