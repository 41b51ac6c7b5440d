/**
 * What the Canvas adapter needs to know about Canvas connections, and nothing more. The server
 * implements it over the store (see compose.ts); the adapter never sees a store.
 */

export interface CanvasRegistration {
  /** The LaunchGate connection id. */
  id: string;
  /** False while a dynamically registered connection waits for an admin to link it. */
  linked: boolean;
  issuer: string;
  clientId: string;
  deploymentIds: readonly string[];
  authEndpoint: string;
  tokenEndpoint: string;
  jwksUrl: string;
}

export interface PendingRegistration {
  issuer: string;
  clientId: string;
  /** Known when the platform returned one at registration; otherwise the admin adds them when linking. */
  deploymentIds: string[];
  authEndpoint: string;
  tokenEndpoint: string;
  jwksUrl: string;
  /** For admins, e.g. the Canvas account name. */
  label: string | null;
}

export interface CanvasRegistry {
  /** Linked and pending registrations for one developer key (issuer, client id). */
  findRegistrations(issuer: string, clientId: string): Promise<CanvasRegistration[]>;
  /**
   * Records a dynamic registration as a pending connection; idempotent per (issuer, client id).
   * `claimCode` is a fresh one-time code with which an organization admin links the pending
   * connection (shown once, to the Canvas admin who registered); null when the (issuer, client id)
   * is already linked and there is nothing left to claim.
   */
  registerPending(input: PendingRegistration): Promise<{ id: string; created: boolean; claimCode: string | null }>;
  /** Canvas connections still waiting for an admin to link them (dynamic registration caps them). */
  countPending(): Promise<number>;
}
