/** The one place that knows every partner adapter. */
import type { Config } from './config';
import type { Store } from '../store/port';
import type { PartnerModule } from './partner-module';
import { cleverPartner } from '../../partners/clever';
import { classlinkPartner } from '../../partners/classlink';
import { canvasPartnerFor } from '../../partners/canvas/compose';

export function partnerModules(config: Config, store: Store, secret: string): PartnerModule[] {
  const { oauth } = config;
  return [
    canvasPartnerFor(config, store, secret),
    cleverPartner(config.clever, { pkce: oauth.cleverPkce, timeoutMs: oauth.timeoutMs }),
    classlinkPartner(config.classlink, { pkce: oauth.classlinkPkce, scope: oauth.classlinkScope, timeoutMs: oauth.timeoutMs }),
  ];
}
