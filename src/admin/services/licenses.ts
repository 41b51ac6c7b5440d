/** Who holds the seats of a product: for the console's products page. */
import type { License, User } from '../../store/model';
import type { Actor } from '../auth';
import type { AdminDeps } from './deps';
import { visibleOrganization } from './scope';

export interface LicenseHolder {
  license: License;
  user: User | null;
}

export interface LicenseHolders {
  holders: LicenseHolder[];
  /** Every license of the product in the organization, including those beyond `limit`. */
  total: number;
}

export async function listLicenseHolders(deps: AdminDeps, actor: Actor, orgId: string, productId: string, limit = 200): Promise<LicenseHolders> {
  await visibleOrganization(deps, actor, orgId);
  const licenses = await deps.store.listLicenses({ orgId, productId });
  const shown = licenses.slice(0, Math.max(0, limit));
  const holders = await Promise.all(shown.map(async (license) => ({ license, user: await deps.store.getUser(license.userId) })));
  return { holders, total: licenses.length };
}
