/**
 * The admin JSON API, mounted by the server at /api/v1. Each route is: read the input, call one
 * service, shape the answer. Scope, meaning and audit are the services' job.
 */
import express, { type Request, type Router } from 'express';
import type { ProductCatalog } from '../../provisioning/product';
import type { Paging, Store } from '../../store/port';
import { createAdminServices } from '../services';
import type { ResolveTxt } from '../services/deps';
import { AdminError } from '../services/errors';
import { actorOf, authenticate, errorHandler, noStore, requestMeta, requireJsonBody, unknownRoute, type AdminLogger } from './http';
import { openApiDocument } from './openapi';
import * as schema from './schemas';
import { parseInput } from './validate';

export interface AdminApiDeps {
  store: Store;
  products: ProductCatalog;
  resolveTxt?: ResolveTxt;
  now?: () => Date;
  logger?: AdminLogger;
  /** NODE_ENV=production: see AdminDeps.refusePrivateHosts. */
  refusePrivateHosts?: boolean;
}

const MAX_ID = 128;

/** An id no record can have answers like any unknown id. */
function param(req: Request, name: string): string {
  const value = req.params[name];
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ID) {
    throw new AdminError('not_found', `No record with that ${name}.`);
  }
  return value;
}

function body<S extends Parameters<typeof parseInput>[0]>(req: Request, s: S) {
  return parseInput(s, req.body, 'body');
}

function query<S extends Parameters<typeof parseInput>[0]>(req: Request, s: S) {
  return parseInput(s, req.query, 'query');
}

function pageOf<T>(page: { items: T[]; total: number }, paging: Paging) {
  return { items: page.items, total: page.total, limit: paging.limit, offset: paging.offset };
}

export function createAdminApiRouter(deps: AdminApiDeps): Router {
  const now = deps.now ?? (() => new Date());
  const services = createAdminServices({ store: deps.store, products: deps.products, resolveTxt: deps.resolveTxt, now, refusePrivateHosts: deps.refusePrivateHosts });
  const router = express.Router();
  const { logger } = deps;
  const who = actorOf;
  const meta = requestMeta;

  router.use(noStore);
  router.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });

  router.use(authenticate(deps.store, now, logger));
  router.use(requireJsonBody);
  router.use(express.json({ limit: '100kb' }));

  // --- Products and organizations

  router.get('/products', (req, res) => {
    query(req, schema.noQuery);
    res.json({ items: services.listProducts(who(res)) });
  });

  router.get('/organizations', async (req, res) => {
    query(req, schema.noQuery);
    res.json({ items: await services.listOrganizations(who(res)) });
  });

  router.post('/organizations', async (req, res) => {
    const input = body(req, schema.createOrganizationBody);
    res.status(201).json(await services.createOrganization(who(res), input, meta(req, res)));
  });

  router.get('/organizations/:orgId', async (req, res) => {
    query(req, schema.noQuery);
    res.json(await services.getOrganization(who(res), param(req, 'orgId')));
  });

  router.get('/organizations/:orgId/entitlements', async (req, res) => {
    query(req, schema.noQuery);
    res.json({ items: await services.listEntitlements(who(res), param(req, 'orgId')) });
  });

  router.put('/organizations/:orgId/entitlements/:productId', async (req, res) => {
    const { seats } = body(req, schema.setEntitlementBody);
    res.json(await services.setEntitlement(who(res), param(req, 'orgId'), param(req, 'productId'), seats, meta(req, res)));
  });

  router.get('/organizations/:orgId/api-tokens', async (req, res) => {
    query(req, schema.noQuery);
    res.json({ items: await services.listApiTokens(who(res), param(req, 'orgId')) });
  });

  router.post('/organizations/:orgId/api-tokens', async (req, res) => {
    const input = body(req, schema.createApiTokenBody);
    res.status(201).json(await services.createApiToken(who(res), param(req, 'orgId'), input, meta(req, res)));
  });

  router.delete('/api-tokens/:tokenId', async (req, res) => {
    await services.revokeApiToken(who(res), param(req, 'tokenId'), meta(req, res));
    res.status(204).end();
  });

  router.get('/organizations/:orgId/users', async (req, res) => {
    const { limit, offset, ...filter } = query(req, schema.usersQuery);
    const page = await services.listOrganizationUsers(who(res), param(req, 'orgId'), filter, { limit, offset });
    res.json(pageOf(page, { limit, offset }));
  });

  router.get('/organizations/:orgId/audit-events', async (req, res) => {
    const { limit, offset, ...filter } = query(req, schema.auditQuery);
    const page = await services.listAuditEvents(who(res), param(req, 'orgId'), filter, { limit, offset });
    res.json(pageOf(page, { limit, offset }));
  });

  // Operator only: refusals of unknown or unlinked tenants belong to no organization and are read here.
  router.get('/audit-events', async (req, res) => {
    const { limit, offset, org, ...filter } = query(req, schema.deploymentAuditQuery);
    const orgId = org === undefined ? undefined : org === 'none' ? null : org;
    const page = await services.listDeploymentAuditEvents(who(res), { ...filter, orgId }, { limit, offset });
    res.json(pageOf(page, { limit, offset }));
  });

  // --- Directories

  router.get('/organizations/:orgId/directories', async (req, res) => {
    query(req, schema.noQuery);
    res.json({ items: await services.listDirectories(who(res), param(req, 'orgId')) });
  });

  router.post('/organizations/:orgId/directories', async (req, res) => {
    const input = body(req, schema.createDirectoryBody);
    res.status(201).json(await services.createDirectory(who(res), param(req, 'orgId'), input, meta(req, res)));
  });

  router.get('/directories/:directoryId', async (req, res) => {
    query(req, schema.noQuery);
    res.json(await services.getDirectory(who(res), param(req, 'directoryId')));
  });

  router.patch('/directories/:directoryId', async (req, res) => {
    const patch = body(req, schema.updateDirectoryBody);
    res.json(await services.updateDirectory(who(res), param(req, 'directoryId'), patch, meta(req, res)));
  });

  router.get('/directories/:directoryId/users', async (req, res) => {
    const { limit, offset, ...filter } = query(req, schema.usersQuery);
    const page = await services.listDirectoryUsers(who(res), param(req, 'directoryId'), filter, { limit, offset });
    res.json(pageOf(page, { limit, offset }));
  });

  router.post('/directories/:directoryId/licenses', async (req, res) => {
    const input = body(req, schema.assignLicenseBody);
    const result = await services.assignLicense(who(res), param(req, 'directoryId'), input, meta(req, res));
    res.status(result.licenseCreated ? 201 : 200).json(result);
  });

  // --- Domains

  router.get('/directories/:directoryId/domains', async (req, res) => {
    query(req, schema.noQuery);
    res.json({ items: await services.listDomains(who(res), param(req, 'directoryId')) });
  });

  router.post('/directories/:directoryId/domains', async (req, res) => {
    const input = body(req, schema.claimDomainBody);
    res.status(201).json(await services.claimDomain(who(res), param(req, 'directoryId'), input, meta(req, res)));
  });

  router.get('/domains/:domainId', async (req, res) => {
    query(req, schema.noQuery);
    res.json(await services.getDomain(who(res), param(req, 'domainId')));
  });

  router.post('/domains/:domainId/verify', async (req, res) => {
    body(req, schema.emptyBody);
    res.json(await services.verifyDomainByDns(who(res), param(req, 'domainId'), meta(req, res)));
  });

  router.post('/domains/:domainId/operator-verify', async (req, res) => {
    body(req, schema.emptyBody);
    res.json(await services.verifyDomainByOperator(who(res), param(req, 'domainId'), meta(req, res)));
  });

  router.delete('/domains/:domainId', async (req, res) => {
    await services.removeDomain(who(res), param(req, 'domainId'), meta(req, res));
    res.status(204).end();
  });

  // --- Connections

  router.get('/directories/:directoryId/connections', async (req, res) => {
    query(req, schema.noQuery);
    res.json({ items: await services.listDirectoryConnections(who(res), param(req, 'directoryId')) });
  });

  router.post('/directories/:directoryId/connections', async (req, res) => {
    const input = body(req, schema.createConnectionBody);
    res.status(201).json(await services.createConnection(who(res), param(req, 'directoryId'), input, meta(req, res)));
  });

  router.get('/connections', async (req, res) => {
    const filter = query(req, schema.connectionsQuery);
    res.json({ items: await services.listConnections(who(res), filter) });
  });

  router.get('/connections/:connectionId', async (req, res) => {
    query(req, schema.noQuery);
    res.json(await services.getConnection(who(res), param(req, 'connectionId')));
  });

  router.patch('/connections/:connectionId', async (req, res) => {
    const changes = body(req, schema.updateConnectionBody);
    res.json(await services.updateConnection(who(res), param(req, 'connectionId'), changes, meta(req, res)));
  });

  router.delete('/connections/:connectionId', async (req, res) => {
    await services.unlinkConnection(who(res), param(req, 'connectionId'), meta(req, res));
    res.status(204).end();
  });

  router.post('/connections/:connectionId/link', async (req, res) => {
    const input = body(req, schema.linkConnectionBody);
    res.json(await services.linkConnection(who(res), param(req, 'connectionId'), input, meta(req, res)));
  });

  // --- Users and licenses

  router.get('/users/:userId', async (req, res) => {
    query(req, schema.noQuery);
    res.json(await services.getUser(who(res), param(req, 'userId')));
  });

  router.patch('/users/:userId', async (req, res) => {
    const { status } = body(req, schema.updateUserBody);
    res.json(await services.setUserStatus(who(res), param(req, 'userId'), status, meta(req, res)));
  });

  router.delete('/users/:userId/licenses/:productId', async (req, res) => {
    await services.revokeLicense(who(res), param(req, 'userId'), param(req, 'productId'), meta(req, res));
    res.status(204).end();
  });

  router.use(unknownRoute);
  router.use(errorHandler(logger));
  return router;
}
