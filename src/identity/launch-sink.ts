/**
 * What a partner adapter hands a validated launch to. Like a passport Strategy's success/fail, it
 * is the only door from a partner into LaunchGate: every partner ends every launch here, so every
 * launch gets one decision, one audit event and one page.
 */
import type { Request, Response } from 'express';
import type { LaunchIdentity, Partner, TenantKey } from './launch-identity';

export interface LaunchFailure {
  partner: Partner;
  /**
   * `launch_invalid`: a protocol check failed. `partner_error`: the partner failed to answer.
   * `connection_not_linked`: the launch names a tenant LaunchGate does not know (e.g. an unknown
   * Canvas client id at login, before any identity exists). `store_error`: our own store failed
   * before a decision (e.g. while starting an OAuth flow).
   */
  reason: 'launch_invalid' | 'partner_error' | 'connection_not_linked' | 'store_error';
  /** The precise cause, for the log and the admin; never shown to the user, never a token. */
  cause: string;
  /** A machine-readable check name, e.g. `nonce_replayed`, `token_endpoint_500`. */
  check?: string;
  tenant?: TenantKey;
  subject?: string;
  /**
   * Words for the person in place of the reason's usual ones, when the failure has a cause they can
   * fix themselves (a browser blocking cookies). The reason code on the page stays the same.
   */
  notice?: FailureNotice;
}

export interface FailureNotice {
  title: string;
  explanation: string;
  nextStep: string;
}

export interface CompleteOptions {
  /** Which configured product to open; the deployment's default when absent. One not configured is refused (`product_unknown`). */
  productId?: string;
}

export interface LaunchSink {
  /** Provisions the identity, records the audit event, then redirects to the product or renders the refusal. */
  complete(req: Request, res: Response, identity: LaunchIdentity, options?: CompleteOptions): Promise<void>;
  /** Records a launch that never reached a decision and renders a short, generic page. */
  fail(req: Request, res: Response, failure: LaunchFailure): Promise<void>;
}
