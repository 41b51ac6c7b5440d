/**
 * Creates a demo organization so a fresh quick start shows data: a directory with JIT on, a
 * verified domain and an entitlement for the default product. `--if-empty` does nothing when any
 * organization exists (so `npm start` can run it every time).
 */
import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig, quickStartEnv } from '../src/server/config';
import { openStore } from '../src/store/open';

export const DEMO = {
  organization: 'Demo Unified School District',
  directory: 'Students and staff',
  domain: 'demo.k12.example',
  seats: 50,
};

async function seed(): Promise<void> {
  const ifEmpty = process.argv.includes('--if-empty');
  const config = loadConfig(process.argv.includes('--quick-start') ? quickStartEnv(process.env) : process.env);
  if (config.sandbox) {
    if (!ifEmpty) console.log('seed: the sandbox seeds its own demo organization at start; nothing to do');
    return;
  }
  const store = await openStore(config);
  try {
    if ((await store.listOrganizations()).length > 0) {
      if (!ifEmpty) console.log('seed: organizations already exist; nothing to do');
      return;
    }
    const org = await store.createOrganization({ name: DEMO.organization });
    const directory = await store.createDirectory({ orgId: org.id, name: DEMO.directory, jitEnabled: true });
    const domain = await store.claimDomain({
      orgId: org.id,
      directoryId: directory.id,
      name: DEMO.domain,
      verificationToken: randomBytes(18).toString('base64url'),
    });
    const at = new Date();
    await store.markDomainVerified(domain.id, 'operator', at);
    await store.setEntitlement(org.id, config.defaultProductId, DEMO.seats);
    await store.appendAudit({
      time: at,
      kind: 'admin',
      orgId: org.id,
      directoryId: directory.id,
      connectionId: null,
      partner: null,
      subject: null,
      email: null,
      userId: null,
      productId: config.defaultProductId,
      decision: null,
      reason: 'organization.seeded',
      requestId: null,
      actor: 'seed',
      detail: { domain: DEMO.domain, seats: DEMO.seats, jitEnabled: true },
    });
    console.log(
      `seed: created "${DEMO.organization}" (org ${org.id}) with directory "${DEMO.directory}" (JIT on), ` +
        `verified domain ${DEMO.domain} and ${DEMO.seats} seats of "${config.defaultProductId}"`,
    );
  } finally {
    await store.close();
  }
}

seed().catch((err: unknown) => {
  const message = err instanceof ConfigError ? `configuration error: ${err.message}` : err instanceof Error ? err.message : String(err);
  console.error(`seed: ${message}`);
  process.exit(1);
});
