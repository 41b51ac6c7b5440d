/** The one place that knows every partner adapter. */
import type { Config } from './config';
import type { Store } from '../store/port';
import type { PartnerModule } from './partner-module';
import { cleverPartner } from '../../partners/clever';
import { classlinkPartner } from '../../partners/classlink';
import { canvasPartnerFor } from '../../partners/canvas/compose';

export function partnerModules(_config: Config, _store: Store, _secret: string): PartnerModule[] {
  return [
    canvasPartnerFor(_config, _store, _secret),
    cleverPartner(_config.clever),
    classlinkPartner(_config.classlink),
  ];
}
