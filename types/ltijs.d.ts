/**
 * Our own types for the part of ltijs 5.9.9 LaunchGate uses (`@types/ltijs` describes v4). Written
 * from its source (node_modules/ltijs/dist); only what partners/canvas calls is declared.
 */
declare module 'ltijs' {
  import type { RequestHandler } from 'express';

  /** A row as ltijs's storage hands it back: plain JSON, plus `createdAt` (ms) on decrypted rows. */
  export type LtijsDocument = Record<string, unknown>;
  export type LtijsQuery = Record<string, unknown>;

  /**
   * ltijs's whole storage contract (`{plugin}`): every call site in 5.9.9 uses exactly these seven
   * methods. `key` is the encryption key for encrypted collections, or `false`.
   */
  export interface LtijsDatabase {
    setup(): Promise<boolean>;
    Close(): Promise<boolean>;
    Get(key: string | false, collection: string, query?: LtijsQuery): Promise<LtijsDocument[] | false>;
    Insert(key: string | false, collection: string, item: LtijsDocument, index?: LtijsQuery): Promise<boolean>;
    Replace(key: string | false, collection: string, query: LtijsQuery, item: LtijsDocument, index?: LtijsQuery): Promise<boolean>;
    Modify(key: string | false, collection: string, query: LtijsQuery, modification: LtijsDocument): Promise<boolean>;
    Delete(collection: string, query: LtijsQuery): Promise<boolean>;
  }

  export interface LtijsAuthConfig {
    method: 'RSA_KEY' | 'JWK_KEY' | 'JWK_SET';
    key: string;
  }

  export interface LtijsPlatformInput {
    url: string;
    clientId: string;
    name: string;
    authenticationEndpoint: string;
    accesstokenEndpoint: string;
    authorizationServer?: string;
    authConfig: LtijsAuthConfig;
  }

  export interface LtijsPlatform {
    platformUrl(): Promise<string>;
    platformClientId(): Promise<string>;
    platformName(name?: string): Promise<string>;
    platformId(): Promise<string>;
    platformKid(): Promise<string>;
    platformActive(active?: boolean): Promise<boolean>;
    platformAuthEndpoint(): Promise<string>;
    platformAuthConfig(): Promise<LtijsAuthConfig>;
    platformPublicKey(): Promise<string | false>;
    delete(): Promise<boolean>;
  }

  export interface LtijsDynRegOptions {
    url: string;
    name: string;
    logo?: string;
    description?: string;
    redirectUris?: string[];
    customParameters?: Record<string, string>;
    autoActivate?: boolean;
    useDeepLinking?: boolean;
  }

  export interface LtijsSetupOptions {
    appRoute?: string;
    loginRoute?: string;
    keysetRoute?: string;
    dynRegRoute?: string;
    cors?: boolean;
    devMode?: boolean;
    ltiaas?: boolean;
    tokenMaxAge?: number | false;
    cookies?: { secure?: boolean; sameSite?: string; domain?: string };
    serverAddon?: (app: LtijsExpressApp) => void;
    dynReg?: LtijsDynRegOptions;
  }

  /** ltijs's own (express 4) app; we only ever call it as a handler or add middleware to it. */
  export interface LtijsExpressApp extends RequestHandler {
    use(handler: RequestHandler): unknown;
  }

  export interface LtijsDynamicRegistration {
    /** Fetches the platform configuration, POSTs the registration, registers the platform; returns an HTML snippet. */
    register(openidConfiguration: string, registrationToken?: string, overrides?: Record<string, unknown>): Promise<string>;
  }

  export interface LtijsProvider {
    app: LtijsExpressApp;
    Database: LtijsDatabase;
    DynamicRegistration?: LtijsDynamicRegistration;
    setup(encryptionKey: string, database: { url: string } | { plugin: LtijsDatabase }, options?: LtijsSetupOptions): LtijsProvider;
    deploy(options?: { serverless?: boolean; silent?: boolean; port?: number }): Promise<boolean>;
    close(options?: { silent?: boolean }): Promise<boolean>;
    registerPlatform(platform: LtijsPlatformInput): Promise<LtijsPlatform>;
    getPlatform(url: string, clientId: string): Promise<LtijsPlatform | false>;
    getAllPlatforms(): Promise<LtijsPlatform[]>;
    keysetRoute(): string;
  }

  export const Provider: LtijsProvider;
}
