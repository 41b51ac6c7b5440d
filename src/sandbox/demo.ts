/**
 * The sandbox's demo organization, seeded idempotently: every start finds what exists and adds only
 * what is missing, so admin changes made in the console (JIT, seats, a disabled connection) survive
 * a restart. The one thing refreshed at every start is where the Canvas connections point, since
 * the simulated Canvas gets a new port each time.
 *
 * Creation goes through the admin services (the same validation and audit events as an admin's
 * clicks, by the actor `sandbox`); re-pointing Canvas goes to the store, as it is no admin's change.
 */
import { tenantKeyString, type Partner } from '../identity/launch-identity';
import { PARTNERS } from '../identity/launch-identity';
import type { ProductCatalog } from '../provisioning/product';
import type { Actor } from '../admin/auth';
import { createAdminServices } from '../admin/services';
import type { Connection, Directory, Organization } from '../store/model';
import type { Store } from '../store/port';
import type { CanvasEndpoints } from './simulators';
import {
  CANVAS_CLIENT_ID,
  CANVAS_ISSUER,
  canvasDeploymentId,
  classlinkTenantId,
  cleverDistrictId,
  DISTRICTS,
  LINKED_DISTRICTS,
  PARTNER_NAMES,
  SANDBOX_ORGANIZATION,
  SANDBOX_SEATS,
  tenantKey,
  type LinkedDistrictKey,
} from './tenants';

export const SANDBOX_ACTOR: Actor = { kind: 'operator', id: 'sandbox' };
/** Remember which organization and directories are the sandbox's, so renamed ones are still found. */
const ORG_SETTING = 'sandbox:organization';
const directorySetting = (key: LinkedDistrictKey) => `sandbox:directory:${key}`;

export interface DemoSeedDeps {
  store: Store;
  products: ProductCatalog;
  now?: () => Date;
  canvas: CanvasEndpoints;
  /** Partners the sandbox simulates; a partner with a real app configured gets no demo connection. */
  partners: readonly Partner[];
}

export interface SandboxDemo {
  org: Organization;
  directories: Record<LinkedDistrictKey, Directory>;
  /** By partner, then district. */
  connections: Array<{ partner: Partner; district: LinkedDistrictKey; connection: Connection }>;
  /** What this run created (empty on a second run). */
  created: string[];
}

export async function seedSandboxDemo(deps: DemoSeedDeps): Promise<SandboxDemo> {
  const { store } = deps;
  const services = createAdminServices({ store, products: deps.products, now: deps.now });
  const created: string[] = [];

  const org = await findOrCreateOrganization(deps, services, created);
  const directories = {} as Record<LinkedDistrictKey, Directory>;
  for (const key of LINKED_DISTRICTS) {
    const district = DISTRICTS[key];
    const id = await store.getSetting(directorySetting(key));
    let directory = id !== null ? await store.getDirectory(id) : null;
    if (directory === null || directory.orgId !== org.id) {
      directory = await services.createDirectory(SANDBOX_ACTOR, org.id, { name: district.name, jitEnabled: district.jitEnabled === true });
      await store.setSetting(directorySetting(key), directory.id);
      created.push(`directory ${district.name}`);
    }
    directories[key] = directory;
    await ensureVerifiedDomain(store, services, directory, district.domain, created);
  }

  const productId = deps.products.defaultProduct.id;
  if ((await store.getEntitlement(org.id, productId)) === null) {
    await services.setEntitlement(SANDBOX_ACTOR, org.id, productId, SANDBOX_SEATS);
    created.push(`entitlement of ${SANDBOX_SEATS} seats`);
  }

  const connections: SandboxDemo['connections'] = [];
  for (const partner of PARTNERS.filter((p) => deps.partners.includes(p))) {
    for (const key of LINKED_DISTRICTS) {
      const connection = await ensureConnection(deps, services, partner, key, directories[key], created);
      connections.push({ partner, district: key, connection });
    }
  }
  return { org, directories, connections, created };
}

type Services = ReturnType<typeof createAdminServices>;

async function findOrCreateOrganization(deps: DemoSeedDeps, services: Services, created: string[]): Promise<Organization> {
  const id = await deps.store.getSetting(ORG_SETTING);
  const found = id !== null ? await deps.store.getOrganization(id) : null;
  if (found !== null) return found;
  const org = await services.createOrganization(SANDBOX_ACTOR, { name: SANDBOX_ORGANIZATION });
  await deps.store.setSetting(ORG_SETTING, org.id);
  created.push(`organization ${SANDBOX_ORGANIZATION}`);
  return org;
}

/** Claims the domain for the directory unless someone holds it already, and verifies it (as an operator may). */
async function ensureVerifiedDomain(store: Store, services: Services, directory: Directory, name: string, created: string[]): Promise<void> {
  let domain = await store.findDomainByName(name);
  if (domain === null) {
    const claimed = await services.claimDomain(SANDBOX_ACTOR, directory.id, { name });
    domain = await store.getDomain(claimed.id);
    created.push(`domain ${name}`);
  }
  if (domain !== null && domain.directoryId === directory.id && domain.status !== 'verified') {
    await services.verifyDomainByOperator(SANDBOX_ACTOR, domain.id);
  }
}

async function ensureConnection(
  deps: DemoSeedDeps,
  services: Services,
  partner: Partner,
  district: LinkedDistrictKey,
  directory: Directory,
  created: string[],
): Promise<Connection> {
  const found = await deps.store.findConnectionByTenantKey(tenantKeyString(tenantKey(partner, district)));
  const label = `${PARTNER_NAMES[partner]} · ${DISTRICTS[district].name} (sandbox simulator)`;
  if (found === null) {
    created.push(`${partner} connection for ${DISTRICTS[district].name}`);
    switch (partner) {
      case 'canvas':
        return services.createConnection(SANDBOX_ACTOR, directory.id, {
          partner,
          issuer: CANVAS_ISSUER,
          clientId: CANVAS_CLIENT_ID,
          deploymentIds: [canvasDeploymentId(district)],
          ...deps.canvas,
          label,
        });
      case 'clever':
        return services.createConnection(SANDBOX_ACTOR, directory.id, { partner, districtId: cleverDistrictId(district), label });
      case 'classlink':
        return services.createConnection(SANDBOX_ACTOR, directory.id, { partner, tenantId: String(classlinkTenantId(district)), label });
    }
  }
  const settings = found.settings;
  if (settings.partner === 'canvas') {
    const moved = settings.authEndpoint !== deps.canvas.authEndpoint || settings.jwksUrl !== deps.canvas.jwksUrl || settings.tokenEndpoint !== deps.canvas.tokenEndpoint;
    if (moved) {
      const updated = await deps.store.updateConnection(found.id, { settings: { ...settings, ...deps.canvas } });
      if (updated !== null) return updated;
    }
  }
  return found;
}
