/** Organizations, their entitlements (seats per product), and the configured products. */
import type { Product } from '../../provisioning/product';
import type { Entitlement, Organization } from '../../store/model';
import type { Actor } from '../auth';
import { recordAdminChange } from './audit';
import type { AdminDeps, CallMeta } from './deps';
import { AdminError, invalidInput } from './errors';
import { requireOperator, visibleOrganization } from './scope';

export const MAX_SEATS = 10_000_000;

export async function listOrganizations(deps: AdminDeps, actor: Actor): Promise<Organization[]> {
  return deps.store.listOrganizations(actor.kind === 'operator' ? undefined : { ids: [actor.orgId] });
}

export async function getOrganization(deps: AdminDeps, actor: Actor, orgId: string): Promise<Organization> {
  return visibleOrganization(deps, actor, orgId);
}

export async function createOrganization(deps: AdminDeps, actor: Actor, input: { name: string }, meta?: CallMeta): Promise<Organization> {
  requireOperator(actor, 'create organizations');
  const name = input.name.trim();
  if (name === '') throw invalidInput('The organization needs a name.', 'name');
  const org = await deps.store.createOrganization({ name });
  await recordAdminChange(deps, actor, { action: 'organization.created', orgId: org.id, detail: { name } }, meta);
  return org;
}

export function listProducts(deps: AdminDeps, _actor: Actor): readonly Product[] {
  return deps.products.products;
}


export interface EntitlementView extends Entitlement {
  productName: string;
  /** Licenses currently held for the product in the organization. */
  seatsUsed: number;
}

async function entitlementView(deps: AdminDeps, entitlement: Entitlement): Promise<EntitlementView> {
  return {
    ...entitlement,
    productName: deps.products.get(entitlement.productId)?.name ?? entitlement.productId,
    seatsUsed: await deps.store.countLicenses(entitlement.orgId, entitlement.productId),
  };
}

export async function listEntitlements(deps: AdminDeps, actor: Actor, orgId: string): Promise<EntitlementView[]> {
  await visibleOrganization(deps, actor, orgId);
  const entitlements = await deps.store.listEntitlements(orgId);
  return Promise.all(entitlements.map((e) => entitlementView(deps, e)));
}

/** `seats: null` is unlimited. Lowering below the seats in use is allowed: no new licenses until below. */
export async function setEntitlement(
  deps: AdminDeps,
  actor: Actor,
  orgId: string,
  productId: string,
  seats: number | null,
  meta?: CallMeta,
): Promise<EntitlementView> {
  await visibleOrganization(deps, actor, orgId);
  requireOperator(actor, 'set entitlements');
  if (!deps.products.get(productId)) throw new AdminError('not_found', `No product with id "${productId}" is configured.`);
  if (seats !== null && (!Number.isInteger(seats) || seats < 0 || seats > MAX_SEATS)) {
    throw invalidInput(`Seats must be a whole number from 0 to ${MAX_SEATS}, or null for unlimited.`, 'seats');
  }
  const before = await deps.store.getEntitlement(orgId, productId);
  const entitlement = await deps.store.setEntitlement(orgId, productId, seats);
  await recordAdminChange(
    deps,
    actor,
    { action: 'entitlement.set', orgId, productId, detail: { seats: { from: before ? before.seats : 'none', to: seats } } },
    meta,
  );
  return entitlementView(deps, entitlement);
}
