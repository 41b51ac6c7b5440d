/** The one place that knows every partner adapter. */
import type { Config } from './config';
import type { Store } from '../store/port';
import type { PartnerModule } from './partner-module';
import { cleverPartner } from '../../partners/clever';
import { classlinkPartner } from '../../partners/classlink';

export function partnerModules(_config: Config, _store: Store, _secret: string): PartnerModule[] {
  return [
    cleverPartner(_config.clever),
    classlinkPartner(_config.classlink),
  ];
}
