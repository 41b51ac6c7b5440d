/**
 * Sandbox mode (LAUNCHGATE_SANDBOX=1, never in production): the Canvas, Clever and ClassLink
 * simulators on loopback, a seeded demo organization whose connections point at them, an operator
 * console account with a fresh password, and the pages under /sandbox to launch as anyone.
 *
 * LaunchGate is not told it talks to simulators. The sandbox only hands the server configuration:
 * Clever and ClassLink endpoints, client ids and secrets (when no real app is configured), and
 * Canvas connections in the store whose issuer, auth endpoint and JWKS URL are the simulator's.
 * Like src/server, the sandbox is composition: it is the one other place that knows every partner.
 *
 *   const sandbox = await startSandbox({ config, store, logger, products });
 *   const app = await createApp({ config: sandbox.config, ..., partners: [...partnerModules(sandbox.config, ...), sandbox.module] });
 */
import type { ScryptParams } from '../admin/accounts';
import { PARTNERS } from '../identity/launch-identity';
import type { ProductCatalog } from '../provisioning/product';
import type { Config } from '../server/config';
import type { Logger } from '../server/logger';
import type { PartnerModule } from '../server/partner-module';
import type { Store } from '../store/port';
import { resetSandboxAdmin, type SandboxAdmin } from './admin-account';
import { seedSandboxDemo, type SandboxDemo } from './demo';
import { LaunchBook } from './launches';
import { sandboxRouter } from './routes';
import { SandboxSimulators } from './simulators';
import { PARTNER_NAMES } from './tenants';

export { retireSandboxAdmin, SANDBOX_ADMIN_EMAIL } from './admin-account';
export { seedSandboxDemo, type SandboxDemo } from './demo';
export { SandboxSimulators } from './simulators';

export class SandboxRefusedError extends Error {
  override readonly name = 'SandboxRefusedError';
  readonly code = 'sandbox_in_production';
  constructor() {
    super('the sandbox runs simulated partners that anyone can sign in through; it cannot run when NODE_ENV=production');
  }
}

export interface SandboxOptions {
  config: Config;
  store: Store;
  logger: Logger;
  products: ProductCatalog;
  now?: () => Date;
  /** Cost of the console account's password hash; tests pass cheap ones. */
  scrypt?: ScryptParams;
}

export interface Sandbox {
  /** The configuration to run LaunchGate with: the simulated Clever and ClassLink filled in where no real app is configured. */
  config: Config;
  /** Mounts /sandbox. */
  module: PartnerModule;
  sims: SandboxSimulators;
  demo: SandboxDemo;
  admin: SandboxAdmin;
  url: string;
  /** Lines for the start-up banner: where the sandbox is and how to sign in to the console. */
  banner(): string[];
  close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const { config, store, logger, products } = options;
  // The configuration already refuses this; the sandbox does not rely on it.
  if (config.nodeEnv === 'production') throw new SandboxRefusedError();
  const now = options.now ?? (() => new Date());
  const sims = await SandboxSimulators.start({
    publicUrl: config.publicUrl,
    clever: config.clever === null,
    classlink: config.classlink === null,
    appName: products.defaultProduct.name,
    now,
  });
  try {
    const demo = await seedSandboxDemo({ store, products, now, canvas: sims.canvasEndpoints(), partners: PARTNERS.filter((p) => sims.simulates(p)) });
    const admin = await resetSandboxAdmin({ store, products, now, scrypt: options.scrypt });
    logger.info({ created: demo.created, simulators: sims.origins() }, 'sandbox started');
    const sandboxConfig: Config = {
      ...config,
      clever: config.clever ?? sims.oauthConfig('clever'),
      classlink: config.classlink ?? sims.oauthConfig('classlink'),
    };
    const book = new LaunchBook(now);
    const url = new URL('/sandbox', config.publicUrl).toString();
    return {
      config: sandboxConfig,
      module: {
        name: 'sandbox',
        mount(app) {
          app.use('/sandbox', sandboxRouter({ store, products, sims, book, demo }));
        },
      },
      sims,
      demo,
      admin,
      url,
      banner() {
        const simulated = sims.originsByPartner().map((o) => `${PARTNER_NAMES[o.partner]} ${o.origin}`);
        return [
          `Sandbox: ${url}  (pick a partner and a person, and launch; simulated on this machine: ${simulated.join(', ')})`,
          admin.disabled
            ? `Admin console: ${new URL('/admin', config.publicUrl).toString()}  the sandbox account ${admin.email} was disabled by an admin and stays so; once enabled again its password is ${admin.password}`
            : `Admin console: ${new URL('/admin', config.publicUrl).toString()}  sign in as ${admin.email} with password ${admin.password}  (a new password at every sandbox start)`,
        ];
      },
      async close() {
        await sims.close();
      },
    };
  } catch (err) {
    await sims.close();
    throw err;
  }
}
