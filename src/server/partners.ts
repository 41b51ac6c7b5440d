/** The one place that knows every partner adapter. */
import type { Config } from './config';
import type { Store } from '../store/port';
import type { PartnerModule } from './partner-module';

export function partnerModules(_config: Config, _store: Store, _secret: string): PartnerModule[] {
  return [];
}
