import { tenantKeyString, type TenantKey } from '../identity/launch-identity';
import type { ConnectionSettings } from './model';

/** Every tenant a connection answers for: one per Canvas deployment id, one for Clever or ClassLink. */
export function connectionTenants(settings: ConnectionSettings): TenantKey[] {
  switch (settings.partner) {
    case 'canvas':
      return [...new Set(settings.deploymentIds)].map((deploymentId) => ({
        partner: 'canvas',
        issuer: settings.issuer,
        clientId: settings.clientId,
        deploymentId,
      }));
    case 'clever':
      return [{ partner: 'clever', districtId: settings.districtId }];
    case 'classlink':
      return [{ partner: 'classlink', tenantId: settings.tenantId }];
  }
}

/** The unique keys a store indexes for a connection (`tenantKeyString` of each tenant). */
export function connectionKeys(settings: ConnectionSettings): string[] {
  return connectionTenants(settings).map(tenantKeyString);
}
