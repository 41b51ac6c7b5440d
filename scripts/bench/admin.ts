/**
 * Sets up the benchmark's tenants the way an operator would, through LaunchGate's admin API
 * (/api/v1 with the operator token), and reads the counts back the same way after the burst.
 */
import type { BenchPartner } from './students';

export const PRODUCT_ID = 'studio';

export class AdminClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {
    if (!/^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/.test(baseUrl)) throw new Error(`the benchmark only talks to loopback, not ${baseUrl}`);
  }

  async call<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH', route: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}/api/v1${route}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`admin API ${method} ${route}: ${res.status} ${text.slice(0, 300)}`);
    return (text === '' ? null : JSON.parse(text)) as T;
  }
}

/** Where one partner's launches land: its connection's tenant and its directory's settings. */
export type ConnectionSpec =
  | { partner: 'clever'; districtId: string }
  | { partner: 'classlink'; tenantId: string }
  | { partner: 'canvas'; issuer: string; clientId: string; deploymentIds: string[]; authEndpoint: string; tokenEndpoint: string; jwksUrl: string };

export interface Tenant {
  orgId: string;
  directoryId: string;
  domain: string;
  seats: number | null;
}

/** An organization with one JIT directory, one operator-verified domain, seats, and its connections. */
export async function createTenant(admin: AdminClient, input: { name: string; domain: string; seats: number | null; connections: ConnectionSpec[] }): Promise<Tenant> {
  const org = await admin.call<{ id: string }>('POST', '/organizations', { name: input.name });
  await admin.call('PUT', `/organizations/${org.id}/entitlements/${PRODUCT_ID}`, { seats: input.seats });
  const directory = await admin.call<{ id: string }>('POST', `/organizations/${org.id}/directories`, { name: 'Students', jitEnabled: true });
  const domain = await admin.call<{ id: string }>('POST', `/directories/${directory.id}/domains`, { name: input.domain });
  await admin.call('POST', `/domains/${domain.id}/operator-verify`);
  for (const connection of input.connections) {
    await admin.call('POST', `/directories/${directory.id}/connections`, { ...connection, trustEmail: true });
  }
  return { orgId: org.id, directoryId: directory.id, domain: input.domain, seats: input.seats };
}

export interface TenantCounts {
  users: number;
  licenses: number;
  launchEvents: number;
  /** Launch audit events by reason, for the reasons asked about. */
  byReason: Record<string, number>;
}

export async function countTenant(admin: AdminClient, tenant: Tenant, reasons: readonly string[], partner?: BenchPartner): Promise<TenantCounts> {
  const total = async (route: string) => (await admin.call<{ total: number }>('GET', route)).total;
  const users = await total(`/organizations/${tenant.orgId}/users?limit=1`);
  const entitlements = await admin.call<{ items: Array<{ productId: string; seatsUsed: number }> }>('GET', `/organizations/${tenant.orgId}/entitlements`);
  const licenses = entitlements.items.find((e) => e.productId === PRODUCT_ID)?.seatsUsed ?? 0;
  const partnerFilter = partner !== undefined ? `&partner=${partner}` : '';
  const launchEvents = await total(`/organizations/${tenant.orgId}/audit-events?kind=launch&limit=1${partnerFilter}`);
  const byReason: Record<string, number> = {};
  for (const reason of reasons) {
    byReason[reason] = await total(`/organizations/${tenant.orgId}/audit-events?kind=launch&reason=${reason}&limit=1${partnerFilter}`);
  }
  return { users, licenses, launchEvents, byReason };
}
