/** What the console needs from the server, and what each request carries once signed in. */
import type { ProductCatalog } from '../../provisioning/product';
import type { Organization } from '../../store/model';
import type { Store } from '../../store/port';
import type { AccountDeps, AdminAccountView, ScryptParams, SessionPolicy, SessionRecord, SessionStore, SignIn, SignInPolicy } from '../accounts';
import type { Actor } from '../auth';
import type { AdminServices } from '../services';
import type { ResolveTxt } from '../services/deps';

export interface ConsoleLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface ConsoleDeps {
  store: Store;
  products: ProductCatalog;
  /** PUBLIC_URL: partner set-up URLs are built from it, and form posts must come from its origin. */
  publicUrl: URL;
  /** Plain-HTTP localhost development: cookies go without `Secure` and without the `__Host-` prefix. */
  localHttp: boolean;
  now?: () => Date;
  resolveTxt?: ResolveTxt;
  logger?: ConsoleLogger;
  /** NODE_ENV=production: see AdminDeps.refusePrivateHosts. */
  refusePrivateHosts?: boolean;
  /** Cost of password hashes the console makes; tests pass cheap ones. */
  scrypt?: ScryptParams;
  sessionPolicy?: SessionPolicy;
  signInPolicy?: SignInPolicy;
}

/** Built once per console: the services and the session machinery every route shares. */
export interface ConsoleRuntime {
  deps: ConsoleDeps;
  now: () => Date;
  services: AdminServices;
  accountDeps: AccountDeps;
  sessions: SessionStore;
  signIn: SignIn;
  logger: ConsoleLogger | undefined;
}

/** A signed-in request. */
export interface Signed {
  account: AdminAccountView;
  actor: Actor;
  session: SessionRecord;
  /** The cookie's token, to save flash messages back to the session. */
  token: string;
  /** The organization the page is about, for the navigation. */
  org?: Organization;
}
