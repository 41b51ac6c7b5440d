/**
 * The server side of LaunchSink: provision → audit (inside provision) → metrics and log → hand off
 * to the product, or explain the refusal. The same path for every partner.
 */
import type { Request, Response } from 'express';
import { describeTenant, normalizeEmail, tenantKeyString, type LaunchIdentity } from '../identity/launch-identity';
import type { CompleteOptions, FailureNotice, LaunchFailure, LaunchSink } from '../identity/launch-sink';
import { provision } from '../provisioning/provision';
import type { ProductCatalog } from '../provisioning/product';
import type { LaunchReason } from '../provisioning/reasons';
import type { Store } from '../store/port';
import { signAssertion } from './handoff';
import { refusalPage } from './launch-pages';
import { redirectTo } from './redirect';
import type { Logger } from './logger';
import type { Metrics } from './metrics';
import type { SigningKeys } from './secrets';

export interface LaunchCompletionDeps {
  store: Store;
  products: ProductCatalog;
  keys: SigningKeys;
  issuer: string;
  logger: Logger;
  metrics: Metrics;
  now: () => Date;
}

export function requestIdOf(res: Response): string | null {
  const id: unknown = res.locals.requestId;
  return typeof id === 'string' ? id : null;
}

function sendPage(res: Response, status: number, reason: LaunchReason, notice?: FailureNotice): void {
  if (res.headersSent) return;
  res.status(status).type('html').set('Cache-Control', 'no-store').send(refusalPage(reason, requestIdOf(res), notice));
}

/** store_error is ours and passing (503, as when provisioning fails); the others as before. */
function failureStatus(reason: LaunchFailure['reason']): number {
  switch (reason) {
    case 'partner_error':
      return 502;
    case 'connection_not_linked':
      return 403;
    case 'store_error':
      return 503;
    case 'launch_invalid':
      return 400;
  }
}

export function createLaunchSink(deps: LaunchCompletionDeps): LaunchSink {
  const { store, products, keys, logger, metrics } = deps;

  async function complete(_req: Request, res: Response, identity: LaunchIdentity, options?: CompleteOptions): Promise<void> {
    const requestId = requestIdOf(res);
    const started = process.hrtime.bigint();
    // A product the launch names must be one we serve: falling back to the default would open a
    // product nobody asked for (and count it against that product's seats).
    const product = options?.productId === undefined ? products.defaultProduct : products.get(options.productId);
    if (product === undefined) {
      await refuseUnknownProduct(res, identity, options!.productId!, requestId);
      return;
    }
    let outcome;
    try {
      outcome = await provision({ store, now: deps.now }, identity, product, { requestId });
    } catch (err) {
      metrics.storeErrors.inc({ operation: 'provision' });
      metrics.launches.inc({ partner: identity.partner, decision: 'refused', reason: 'store_error' });
      logger.error({ err, requestId, partner: identity.partner, tenant: describeTenant(identity.tenant) }, 'launch failed in the store');
      sendPage(res, 503, 'store_error');
      return;
    }
    metrics.launchSeconds.observe({ partner: identity.partner }, Number(process.hrtime.bigint() - started) / 1e9);
    metrics.launches.inc({ partner: identity.partner, decision: outcome.decision, reason: outcome.reason });
    logger.info(
      {
        requestId,
        partner: identity.partner,
        tenant: describeTenant(identity.tenant),
        subject: identity.subject,
        decision: outcome.decision,
        reason: outcome.reason,
        userId: outcome.user?.id,
        auditEventId: outcome.auditEventId,
      },
      'launch decided',
    );
    if (outcome.decision === 'refused' || outcome.user === null || outcome.directory === null) {
      sendPage(res, 403, outcome.reason);
      return;
    }
    const user = outcome.user;
    const assertion = await signAssertion(
      keys,
      deps.issuer,
      {
        sub: user.id,
        email: user.email,
        name: user.displayName,
        given_name: user.givenName,
        family_name: user.familyName,
        roles: user.roles,
        partner: identity.partner,
        product: product.id,
        directory: outcome.directory.id,
        organization: outcome.directory.orgId,
        access: outcome.reason as 'existing_license' | 'license_assigned' | 'user_created',
      },
      deps.now(),
    );
    const target = new URL(product.launchUrl);
    target.searchParams.set('assertion', assertion);
    res.setHeader('Cache-Control', 'no-store');
    redirectTo(res, 303, target.toString());
  }

  /** product_unknown: audited like every launch, under the tenant's organization when it has one. */
  async function refuseUnknownProduct(res: Response, identity: LaunchIdentity, productId: string, requestId: string | null): Promise<void> {
    metrics.launches.inc({ partner: identity.partner, decision: 'refused', reason: 'product_unknown' });
    const requested = productId.slice(0, 128);
    logger.warn({ requestId, partner: identity.partner, tenant: describeTenant(identity.tenant), productId: requested }, 'launch named a product that is not configured');
    try {
      const connection = await store.findConnectionByTenantKey(tenantKeyString(identity.tenant));
      const linked = connection !== null && connection.status === 'linked';
      await store.appendAudit({
        time: deps.now(),
        kind: 'launch',
        orgId: connection?.orgId ?? null,
        directoryId: linked ? connection.directoryId : null,
        connectionId: connection?.id ?? null,
        partner: identity.partner,
        subject: identity.subject,
        email: normalizeEmail(identity.email) ?? null,
        userId: null,
        productId: requested,
        decision: 'refused',
        reason: 'product_unknown',
        requestId,
        actor: null,
        detail: { tenant: describeTenant(identity.tenant), configured: products.products.map((p) => p.id) },
      });
    } catch (err) {
      metrics.storeErrors.inc({ operation: 'audit' });
      logger.error({ err, requestId }, 'could not record a launch of an unknown product');
    }
    sendPage(res, 404, 'product_unknown');
  }

  async function fail(_req: Request, res: Response, failure: LaunchFailure): Promise<void> {
    const requestId = requestIdOf(res);
    metrics.launches.inc({ partner: failure.partner, decision: 'refused', reason: failure.reason });
    if (failure.reason === 'store_error') metrics.storeErrors.inc({ operation: failure.check ?? 'launch' });
    logger.warn(
      {
        requestId,
        partner: failure.partner,
        reason: failure.reason,
        check: failure.check,
        cause: failure.cause,
        tenant: failure.tenant ? describeTenant(failure.tenant) : undefined,
      },
      'launch failed before a decision',
    );
    try {
      const connection = failure.tenant ? await store.findConnectionByTenantKey(tenantKeyString(failure.tenant)) : null;
      await store.appendAudit({
        time: deps.now(),
        kind: 'launch',
        orgId: connection?.orgId ?? null,
        directoryId: connection?.directoryId ?? null,
        connectionId: connection?.id ?? null,
        partner: failure.partner,
        subject: failure.subject ?? null,
        email: null,
        userId: null,
        productId: null,
        decision: 'refused',
        reason: failure.reason,
        requestId,
        actor: null,
        detail: { check: failure.check ?? null, cause: failure.cause, tenant: failure.tenant ? describeTenant(failure.tenant) : null },
      });
    } catch (err) {
      metrics.storeErrors.inc({ operation: 'audit' });
      logger.error({ err, requestId }, 'could not record a failed launch');
    }
    sendPage(res, failureStatus(failure.reason), failure.reason, failure.notice);
  }

  return { complete, fail };
}
