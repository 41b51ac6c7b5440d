/**
 * A Clever or ClassLink simulator in its own process, driven by the benchmark over IPC. The
 * simulator is the same class the tests use; only the process boundary is new, so that partner
 * work does not count against LaunchGate's CPU and LaunchGate's does not slow the partner.
 */
import { CleverSimulator } from '../../partners/clever/simulator';
import { ClassLinkSimulator } from '../../partners/classlink/simulator';
import type { SimCounters } from '../../partners/oauth/simulator-core';
import { serveRpc } from './ipc';
import type { SimStudent } from './students';

export type OAuthSimKind = 'clever' | 'classlink';

export interface OAuthSimStart {
  kind: OAuthSimKind;
  clientId: string;
  clientSecret: string;
}

export interface OAuthSimInfo {
  baseUrl: string;
  /** LaunchGate's environment variables that point at this simulator. */
  env: Record<string, string>;
}

let sim: CleverSimulator | ClassLinkSimulator | null = null;

function running(): CleverSimulator | ClassLinkSimulator {
  if (sim === null) throw new Error('simulator not started');
  return sim;
}

function addStudent(s: SimStudent): void {
  const current = running();
  if (current instanceof CleverSimulator) {
    current.addUser({ id: s.subject, district: s.tenant, email: s.email, name: { first: s.givenName, last: s.familyName }, roles: { student: { grade: '7' } } });
  } else {
    current.addUser({ UserId: Number(s.subject), TenantId: Number(s.tenant), Email: s.email, FirstName: s.givenName, LastName: s.familyName, Role: 'Student' });
  }
}

serveRpc({
  async start(args: OAuthSimStart): Promise<OAuthSimInfo> {
    const options = { clientId: args.clientId, clientSecret: args.clientSecret };
    sim = args.kind === 'clever' ? new CleverSimulator(options) : new ClassLinkSimulator(options);
    await sim.start();
    return { baseUrl: sim.baseUrl, env: sim.env() };
  },
  addRedirectUri(args: { uri: string }): void {
    running().addRedirectUri(args.uri);
  },
  addDistrict(args: { id: string; name: string }): void {
    const current = running();
    if (current instanceof CleverSimulator) current.addDistrict(args);
  },
  addStudents(args: { students: SimStudent[] }): number {
    for (const s of args.students) addStudent(s);
    return args.students.length;
  },
  counters(): SimCounters {
    return running().counters;
  },
  resetCounters(): void {
    running().resetCounters();
  },
  async stop(): Promise<void> {
    await sim?.stop();
    sim = null;
  },
});
