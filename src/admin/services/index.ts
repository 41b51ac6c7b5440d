/**
 * The admin services, bound to their dependencies. The API, the console and the CLI all go through
 * these, so scope checks, validation of meaning and audit events are the same whichever is used.
 * Every function takes the acting `Actor` first.
 */
import * as apiTokens from './api-tokens';
import * as audit from './audit';
import * as connections from './connections';
import { adminDeps, type AdminDeps, type AdminDepsInput } from './deps';
import * as directories from './directories';
import * as domains from './domains';
import * as licenses from './licenses';
import * as organizations from './organizations';
import * as users from './users';

type Bound<F> = F extends (deps: AdminDeps, ...args: infer A) => infer R ? (...args: A) => R : never;

function bind<F extends (deps: AdminDeps, ...args: never[]) => unknown>(deps: AdminDeps, fn: F): Bound<F> {
  return ((...args: never[]) => fn(deps, ...args)) as Bound<F>;
}

export function createAdminServices(input: AdminDepsInput) {
  const deps = adminDeps(input);
  return {
    deps,
    listOrganizations: bind(deps, organizations.listOrganizations),
    getOrganization: bind(deps, organizations.getOrganization),
    createOrganization: bind(deps, organizations.createOrganization),
    listEntitlements: bind(deps, organizations.listEntitlements),
    setEntitlement: bind(deps, organizations.setEntitlement),
    listProducts: bind(deps, organizations.listProducts),

    listDirectories: bind(deps, directories.listDirectories),
    getDirectory: bind(deps, directories.getDirectory),
    createDirectory: bind(deps, directories.createDirectory),
    updateDirectory: bind(deps, directories.updateDirectory),

    listDomains: bind(deps, domains.listDomains),
    getDomain: bind(deps, domains.getDomain),
    claimDomain: bind(deps, domains.claimDomain),
    verifyDomainByDns: bind(deps, domains.verifyDomainByDns),
    verifyDomainByOperator: bind(deps, domains.verifyDomainByOperator),
    removeDomain: bind(deps, domains.removeDomain),

    listConnections: bind(deps, connections.listConnections),
    listDirectoryConnections: bind(deps, connections.listDirectoryConnections),
    getConnection: bind(deps, connections.getConnection),
    createConnection: bind(deps, connections.createConnection),
    linkConnection: bind(deps, connections.linkConnection),
    claimConnection: bind(deps, connections.claimConnection),
    deletePendingConnection: bind(deps, connections.deletePendingConnection),
    updateConnection: bind(deps, connections.updateConnection),
    unlinkConnection: bind(deps, connections.unlinkConnection),

    listDirectoryUsers: bind(deps, users.listDirectoryUsers),
    listOrganizationUsers: bind(deps, users.listOrganizationUsers),
    getUser: bind(deps, users.getUser),
    setUserStatus: bind(deps, users.setUserStatus),
    assignLicense: bind(deps, users.assignLicense),
    revokeLicense: bind(deps, users.revokeLicense),

    listAuditEvents: bind(deps, audit.listAuditEvents),
    countAuditEvents: bind(deps, audit.countAuditEvents),
    listDeploymentAuditEvents: bind(deps, audit.listDeploymentAuditEvents),

    listLicenseHolders: bind(deps, licenses.listLicenseHolders),

    listApiTokens: bind(deps, apiTokens.listApiTokens),
    createApiToken: bind(deps, apiTokens.createApiToken),
    revokeApiToken: bind(deps, apiTokens.revokeApiToken),
  };
}

export type AdminServices = ReturnType<typeof createAdminServices>;

export { AdminError, type AdminErrorCode } from './errors';
export type { AdminDeps, AdminDepsInput, CallMeta, ResolveTxt } from './deps';
export { ADMIN_ACTIONS, AUDIT_REASONS, type AdminAction, type AuditQuery, type AuditReason, type DeploymentAuditQuery } from './audit';
export { CANVAS_CLOUD_ENDPOINTS, MAX_DEPLOYMENT_IDS, type ConnectionChanges, type ConnectionInput, type LinkInput } from './connections';
export { CLAIM_CODE_TTL_MS, issueClaimCode, newClaimCode } from './claim-codes';
export { CHALLENGE_LABEL, CHALLENGE_PREFIX, challengeRecord, type DnsCheck, type DomainView, type VerifyResult } from './domains';
export { MAX_SEATS, type EntitlementView } from './organizations';
export { MAX_TOKEN_NAME, type ApiTokenView, type CreatedApiToken } from './api-tokens';
export type { LicenseHolder, LicenseHolders } from './licenses';
export type { AssignLicenseRequest, AssignLicenseResponse, UserDetail, UserQuery } from './users';
