/**
 * The server side of LaunchSink: provision → audit (inside provision) → metrics and log → hand off
 * to the product, or explain the refusal. The same path for every partner.
 */
import type { Request, Response } from 'express';
import { describeTenant, tenantKeyString, type LaunchIdentity } from '../identity/launch-identity';
import type { CompleteOptions, LaunchFailure, LaunchSink } from '../identity/launch-sink';
import { provision } from '../provisioning/provision';
import type { ProductCatalog } from '../provisioning/product';
import type { LaunchReason } from '../provisioning/reasons';
import type { Store } from '../store/port';
import { signAssertion } from './handoff';
import { refusalPage } from './launch-pages';
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

function sendPage(res: Response, status: number, reason: LaunchReason): void {
  if (res.headersSent) return;
  res.status(status).type('html').set('Cache-Control', 'no-store').send(refusalPage(reason, requestIdOf(res)));
}

export function createLaunchSink(deps: LaunchCompletionDeps): LaunchSink {
  const { store, products, keys, logger, metrics } = deps;

  async function complete(_req: Request, res: Response, identity: LaunchIdentity, options?: CompleteOptions): Promise<void> {
    const requestId = requestIdOf(res);
    const started = process.hrtime.bigint();
    const product = (options?.productId ? products.get(options.productId) : undefined) ?? products.defaultProduct;
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
    res.set('Cache-Control', 'no-store').redirect(303, target.toString());
  }

  async function fail(_req: Request, res: Response, failure: LaunchFailure): Promise<void> {
    const requestId = requestIdOf(res);
    metrics.launches.inc({ partner: failure.partner, decision: 'refused', reason: failure.reason });
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
    sendPage(res, failure.reason === 'partner_error' ? 502 : failure.reason === 'connection_not_linked' ? 403 : 400, failure.reason);
  }

  return { complete, fail };
}
