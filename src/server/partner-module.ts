/**
 * How a partner adapter plugs into the app: like a passport Strategy, one small interface. The
 * server is the only place that knows every partner; each partner only knows this context.
 */
import type { Express } from 'express';
import type { LaunchSink } from '../identity/launch-sink';
import type { LaunchRoutes } from './launch-routes';
import type { EphemeralStore } from '../store/port';
import type { Logger } from './logger';

export interface PartnerContext {
  sink: LaunchSink;
  /** Where a partner puts the routes of its launches (found before the rest of the app's). */
  routes: LaunchRoutes;
  /** Login state, nonces and sessions: in the store, so any process can finish a launch. */
  ephemeral: EphemeralStore;
  logger: Logger;
  publicUrl: URL;
  /** True for http://localhost development, where cookies cannot be `Secure`. */
  localHttp: boolean;
  now: () => Date;
}

export interface PartnerModule {
  readonly name: string;
  mount(app: Express, ctx: PartnerContext): Promise<void> | void;
  close?(): Promise<void>;
}
