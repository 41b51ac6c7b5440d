/**
 * The simulated Canvas in its own process, driven over IPC: it hands out the login initiation for
 * each student (what Canvas posts into the tool's iframe) and counts JWKS fetches. The same
 * platform serves LaunchGate and the stock-ltijs baseline, so both get the same launches.
 */
import { LIS_ROLES } from '../../partners/canvas/simulator/tokens';
import { CanvasSimulator } from '../../partners/canvas/simulator';
import { serveRpc } from './ipc';
import type { Student } from './students';

export interface CanvasSimInfo {
  issuer: string;
  clientId: string;
  deploymentId: string;
  authEndpoint: string;
  tokenEndpoint: string;
  jwksUrl: string;
}

export interface CanvasSimCounters {
  jwksFetches: number;
  authRequests: number;
}

let sim: CanvasSimulator | null = null;

function running(): CanvasSimulator {
  if (sim === null) throw new Error('simulator not started');
  return sim;
}

serveRpc({
  async start(): Promise<CanvasSimInfo> {
    sim = await CanvasSimulator.start();
    return {
      issuer: sim.issuer,
      clientId: sim.clientId,
      deploymentId: sim.deploymentId,
      authEndpoint: sim.authEndpoint,
      tokenEndpoint: sim.tokenEndpoint,
      jwksUrl: sim.jwksUrl,
    };
  },
  /**
   * The login initiation parameters for each student, as Canvas would post them (without
   * target_link_uri, which names the tool). The platform remembers each by its lti_message_hint.
   */
  loginParams(args: { students: Student[] }): Array<Record<string, string>> {
    const current = running();
    return args.students.map((s) =>
      current.loginParams({
        user: { sub: s.subject, email: s.email, givenName: s.givenName, familyName: s.familyName, roles: [LIS_ROLES.learner, LIS_ROLES.institutionStudent] },
      }),
    );
  },
  /** JWKS fetches since the start (never reset: the run counts them per issuer); auth requests since the last reset. */
  counters(): CanvasSimCounters {
    const current = running();
    return { jwksFetches: current.jwksFetches, authRequests: current.authRequests.length };
  },
  resetCounters(): void {
    // The simulator keeps every auth request it accepted; only their number matters here.
    running().authRequests.length = 0;
  },
  async stop(): Promise<void> {
    await sim?.close();
    sim = null;
  },
});
