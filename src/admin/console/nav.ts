/** The organization a page is about, with its directories for the navigation; other organizations answer not_found. */
import type { ConsoleRuntime, Signed } from './deps';
import type { NavContext } from './views/layout';

export async function orgNav(rt: ConsoleRuntime, signed: Signed, orgId: string): Promise<NavContext> {
  const org = await rt.services.getOrganization(signed.actor, orgId);
  const directories = await rt.services.listDirectories(signed.actor, orgId);
  return { org, directories };
}

export const orgPath = (orgId: string, rest = ''): string => `/admin/orgs/${encodeURIComponent(orgId)}${rest}`;
export const dirPath = (directoryId: string, rest = ''): string => `/admin/directories/${encodeURIComponent(directoryId)}${rest}`;
export const userPath = (userId: string): string => `/admin/users/${encodeURIComponent(userId)}`;
