/**
 * The CLI's commands: `launchgate <group> <action> [--options]`, each a thin call into the admin
 * services (or the account service) as the CLI operator, so scope, validation and the audit log
 * are the same as through the API and the console.
 */
import { createAdminAccount, findAdminAccount, listAdminAccounts, setAdminAccountDisabled, setAdminPassword } from '../accounts';
import { PARTNERS, type Partner } from '../../identity/launch-identity';
import type { AuditEvent, Connection, Decision } from '../../store/model';
import { isLaunchReason, REASON_TEXT } from '../../provisioning/reasons';
import type { ConnectionInput } from '../services';
import { AdminError } from '../services/errors';
import { print, resolveOrg, table, type CommandContext } from './context';
import { UsageError } from './io';
import { readNewPassword, type PasswordSource } from './password-input';

type Values = Record<string, string | boolean | string[] | undefined>;

export interface OptionSpec {
  type: 'string' | 'boolean';
  multiple?: boolean;
  /** Shown in the help. */
  help: string;
  required?: boolean;
}

export interface Command {
  group: string;
  action: string;
  summary: string;
  options: Record<string, OptionSpec>;
  run(ctx: CommandContext, values: Values): Promise<void>;
}

function str(values: Values, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`--${name} is required.`);
  return value.trim();
}

function opt(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function passwordSource(values: Values): PasswordSource {
  if (values['password-stdin'] && values['generate-password']) throw new UsageError('Use either --password-stdin or --generate-password.');
  return values['generate-password'] ? 'generate' : values['password-stdin'] ? 'stdin' : 'auto';
}

const PASSWORD_OPTIONS: Record<string, OptionSpec> = {
  'password-stdin': { type: 'boolean', help: 'read the password from the first line of standard input' },
  'generate-password': { type: 'boolean', help: 'generate a password and print it once' },
};

const PARTNER_NAME: Record<Partner, string> = { canvas: 'Canvas', clever: 'Clever', classlink: 'ClassLink' };

function tenant(c: Connection): string {
  const s = c.settings;
  if (s.partner === 'canvas') return `issuer ${s.issuer}, client ${s.clientId}, deployments ${s.deploymentIds.join(', ')}`;
  if (s.partner === 'clever') return `district ${s.districtId}`;
  return `tenant ${s.tenantId}`;
}

function auditLine(e: AuditEvent): string {
  const what = e.kind === 'admin' ? 'admin' : (e.decision ?? '');
  const who = e.email ?? e.subject ?? '';
  const why = isLaunchReason(e.reason) && e.decision === 'refused' ? ` (${REASON_TEXT[e.reason].admin})` : '';
  return [e.time.toISOString(), what.padEnd(7), e.reason, e.partner ?? '-', who || '-', e.actor ? `by ${e.actor}` : ''].filter((p) => p !== '').join('  ') + why;
}

function connectionInput(values: Values): ConnectionInput {
  const partner = str(values, 'partner');
  const common = { enabled: !values.disabled, trustEmail: !values['no-trust-email'] };
  switch (partner) {
    case 'canvas': {
      const deploymentIds = (values['deployment-id'] as string[] | undefined) ?? [];
      if (deploymentIds.length === 0) throw new UsageError('--deployment-id is required for Canvas (repeat it for several).');
      return {
        partner,
        issuer: opt(values, 'issuer') ?? 'https://canvas.instructure.com',
        clientId: str(values, 'client-id'),
        deploymentIds,
        authEndpoint: opt(values, 'auth-endpoint'),
        tokenEndpoint: opt(values, 'token-endpoint'),
        jwksUrl: opt(values, 'jwks-url'),
        ...common,
      };
    }
    case 'clever':
      return { partner, districtId: str(values, 'district-id'), ...common };
    case 'classlink':
      return { partner, tenantId: str(values, 'tenant-id'), ...common };
    default:
      throw new UsageError(`--partner must be one of ${PARTNERS.join(', ')}.`);
  }
}

async function userByEmail(ctx: CommandContext, directoryId: string, email: string) {
  const page = await ctx.services.listDirectoryUsers(ctx.actor, directoryId, { search: email }, { limit: 50, offset: 0 });
  const user = page.items.find((u) => u.email === email.trim().toLowerCase());
  if (!user) throw new AdminError('not_found', `No user with the email ${email} in that directory.`);
  return user;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });

export const COMMANDS: Command[] = [
  // --- Admin accounts
  {
    group: 'admin',
    action: 'create',
    summary: 'create a console account (the first operator, or an organization admin)',
    options: {
      email: { type: 'string', required: true, help: 'the admin’s email' },
      role: { type: 'string', required: true, help: 'operator | org_admin' },
      org: { type: 'string', help: 'organization id or name (org_admin only)' },
      ...PASSWORD_OPTIONS,
    },
    async run(ctx, v) {
      const role = str(v, 'role');
      if (role !== 'operator' && role !== 'org_admin') throw new UsageError('--role must be operator or org_admin.');
      const orgId = opt(v, 'org') ? (await resolveOrg(ctx, str(v, 'org'))).id : undefined;
      const { password, generated } = await readNewPassword(ctx.io, passwordSource(v));
      const account = await createAdminAccount(ctx.accounts, ctx.actor, { email: str(v, 'email'), password, role, orgId });
      print(ctx, { ...account, ...(generated && { password }) }, [
        `Created ${role === 'operator' ? 'operator' : 'organization admin'} account ${account.email} (id ${account.id}).`,
        ...(generated ? [`Password (shown once): ${password}`] : []),
      ]);
    },
  },
  {
    group: 'admin',
    action: 'list',
    summary: 'list console accounts',
    options: { org: { type: 'string', help: 'only this organization’s admins' } },
    async run(ctx, v) {
      const orgId = opt(v, 'org') ? (await resolveOrg(ctx, str(v, 'org'))).id : undefined;
      const accounts = await listAdminAccounts(ctx.accounts, ctx.actor, orgId);
      print(
        ctx,
        accounts,
        table(['ID', 'EMAIL', 'ROLE', 'ORGANIZATION', 'STATUS'], accounts.map((a) => [a.id, a.email, a.role, a.orgId ?? '-', a.disabledAt ? 'disabled' : 'active'])),
      );
    },
  },
  ...(['disable', 'enable'] as const).map(
    (verb): Command => ({
      group: 'admin',
      action: verb,
      summary: verb === 'disable' ? 'stop an account from signing in (ends its sessions)' : 'let a disabled account sign in again',
      options: { email: { type: 'string', required: true, help: 'the admin’s email' } },
      async run(ctx, v) {
        const found = await findAdminAccount(ctx.accounts, ctx.actor, str(v, 'email'));
        const account = await setAdminAccountDisabled(ctx.accounts, ctx.actor, found.id, verb === 'disable');
        print(ctx, account, `${verb === 'disable' ? 'Disabled' : 'Enabled'} ${account.email}.`);
      },
    }),
  ),
  {
    group: 'admin',
    action: 'password',
    summary: 'set a new password for an account (ends its sessions)',
    options: { email: { type: 'string', required: true, help: 'the admin’s email' }, ...PASSWORD_OPTIONS },
    async run(ctx, v) {
      const found = await findAdminAccount(ctx.accounts, ctx.actor, str(v, 'email'));
      const { password, generated } = await readNewPassword(ctx.io, passwordSource(v));
      const account = await setAdminPassword(ctx.accounts, ctx.actor, found.id, password);
      print(ctx, { ...account, ...(generated && { password }) }, [`Set a new password for ${account.email}.`, ...(generated ? [`Password (shown once): ${password}`] : [])]);
    },
  },

  // --- Organizations and entitlements
  {
    group: 'org',
    action: 'create',
    summary: 'create an organization',
    options: { name: { type: 'string', required: true, help: 'e.g. "Lincoln Unified School District"' } },
    async run(ctx, v) {
      const org = await ctx.services.createOrganization(ctx.actor, { name: str(v, 'name') });
      print(ctx, org, `Created organization "${org.name}" (id ${org.id}).`);
    },
  },
  {
    group: 'org',
    action: 'list',
    summary: 'list organizations',
    options: {},
    async run(ctx) {
      const orgs = await ctx.services.listOrganizations(ctx.actor);
      print(ctx, orgs, table(['ID', 'NAME', 'CREATED'], orgs.map((o) => [o.id, o.name, o.createdAt.toISOString()])));
    },
  },
  {
    group: 'entitlement',
    action: 'set',
    summary: 'set the seats an organization has for a product',
    options: {
      org: { type: 'string', required: true, help: 'organization id or name' },
      product: { type: 'string', required: true, help: 'product id' },
      seats: { type: 'string', required: true, help: 'a number, or "unlimited"' },
    },
    async run(ctx, v) {
      const org = await resolveOrg(ctx, str(v, 'org'));
      const raw = str(v, 'seats');
      if (raw !== 'unlimited' && !/^\d{1,9}$/.test(raw)) throw new UsageError('--seats must be a whole number or "unlimited".');
      const seats = raw === 'unlimited' ? null : Number(raw);
      const e = await ctx.services.setEntitlement(ctx.actor, org.id, str(v, 'product'), seats);
      print(ctx, e, `${org.name}: ${e.productName} has ${seats === null ? 'unlimited' : seats} seats (${e.seatsUsed} in use).`);
    },
  },
  {
    group: 'entitlement',
    action: 'list',
    summary: 'list an organization’s seats per product',
    options: { org: { type: 'string', required: true, help: 'organization id or name' } },
    async run(ctx, v) {
      const org = await resolveOrg(ctx, str(v, 'org'));
      const list = await ctx.services.listEntitlements(ctx.actor, org.id);
      print(ctx, list, table(['PRODUCT', 'SEATS', 'USED'], list.map((e) => [e.productId, e.seats === null ? 'unlimited' : String(e.seats), String(e.seatsUsed)])));
    },
  },

  // --- Directories and JIT
  {
    group: 'directory',
    action: 'create',
    summary: 'create a directory in an organization',
    options: {
      org: { type: 'string', required: true, help: 'organization id or name' },
      name: { type: 'string', required: true, help: 'e.g. "Students and staff"' },
      jit: { type: 'string', help: 'on | off (default off)' },
    },
    async run(ctx, v) {
      const org = await resolveOrg(ctx, str(v, 'org'));
      const jit = opt(v, 'jit') ?? 'off';
      if (jit !== 'on' && jit !== 'off') throw new UsageError('--jit must be on or off.');
      const d = await ctx.services.createDirectory(ctx.actor, org.id, { name: str(v, 'name'), jitEnabled: jit === 'on' });
      print(ctx, d, `Created directory "${d.name}" (id ${d.id}) in ${org.name}; just-in-time provisioning is ${jit}.`);
    },
  },
  {
    group: 'directory',
    action: 'list',
    summary: 'list an organization’s directories',
    options: { org: { type: 'string', required: true, help: 'organization id or name' } },
    async run(ctx, v) {
      const org = await resolveOrg(ctx, str(v, 'org'));
      const dirs = await ctx.services.listDirectories(ctx.actor, org.id);
      print(ctx, dirs, table(['ID', 'NAME', 'JIT'], dirs.map((d) => [d.id, d.name, d.jitEnabled ? 'on' : 'off'])));
    },
  },
  ...(['on', 'off'] as const).map(
    (state): Command => ({
      group: 'jit',
      action: state,
      summary: `turn just-in-time user provisioning ${state} for a directory`,
      options: { directory: { type: 'string', required: true, help: 'directory id' } },
      async run(ctx, v) {
        const d = await ctx.services.updateDirectory(ctx.actor, str(v, 'directory'), { jitEnabled: state === 'on' });
        print(
          ctx,
          d,
          state === 'on'
            ? `Just-in-time provisioning is on for "${d.name}".`
            : `Just-in-time provisioning is off for "${d.name}": new users cannot access products until an admin assigns them a license.`,
        );
      },
    }),
  ),

  // --- Domains
  {
    group: 'domain',
    action: 'claim',
    summary: 'claim an email domain for a directory; prints the DNS TXT record to publish',
    options: { directory: { type: 'string', required: true, help: 'directory id' }, name: { type: 'string', required: true, help: 'e.g. lincoln.k12.ca.us' } },
    async run(ctx, v) {
      const d = await ctx.services.claimDomain(ctx.actor, str(v, 'directory'), { name: str(v, 'name') });
      print(ctx, d, [
        `Claimed ${d.name} (id ${d.id}). Publish this DNS record, then run: launchgate domain verify --domain ${d.id}`,
        `  ${d.dnsRecord.name}  TXT  "${d.dnsRecord.value}"`,
      ]);
    },
  },
  {
    group: 'domain',
    action: 'verify',
    summary: 'check the DNS TXT record (or, with --operator, mark the domain verified without DNS)',
    options: { domain: { type: 'string', required: true, help: 'domain id' }, operator: { type: 'boolean', help: 'vouch for the domain as the operator (audited)' } },
    async run(ctx, v) {
      if (v.operator) {
        const d = await ctx.services.verifyDomainByOperator(ctx.actor, str(v, 'domain'));
        print(ctx, d, `${d.name} is verified (by the operator).`);
        return;
      }
      const { domain, check } = await ctx.services.verifyDomainByDns(ctx.actor, str(v, 'domain'));
      if (!check.matched) throw new AdminError('invalid_input', `${domain.name} is not verified: ${check.message}${check.found.length ? ` Found: ${check.found.join(' | ')}` : ''}`);
      print(ctx, { domain, check }, `${domain.name} is verified. ${check.message}`);
    },
  },
  {
    group: 'domain',
    action: 'list',
    summary: 'list a directory’s domains',
    options: { directory: { type: 'string', required: true, help: 'directory id' } },
    async run(ctx, v) {
      const list = await ctx.services.listDomains(ctx.actor, str(v, 'directory'));
      print(ctx, list, table(['ID', 'DOMAIN', 'STATUS', 'TXT RECORD'], list.map((d) => [d.id, d.name, d.status, `${d.dnsRecord.name} "${d.dnsRecord.value}"`])));
    },
  },
  {
    group: 'domain',
    action: 'remove',
    summary: 'remove a claimed domain',
    options: { domain: { type: 'string', required: true, help: 'domain id' } },
    async run(ctx, v) {
      const d = await ctx.services.getDomain(ctx.actor, str(v, 'domain'));
      await ctx.services.removeDomain(ctx.actor, d.id);
      print(ctx, { removed: d.id }, `Removed ${d.name}.`);
    },
  },

  // --- Connections
  {
    group: 'connection',
    action: 'link',
    summary: 'link a partner tenant to a directory (or --connection: link a pending Canvas registration)',
    options: {
      directory: { type: 'string', required: true, help: 'directory id' },
      connection: { type: 'string', help: 'a pending connection’s id, to link it' },
      partner: { type: 'string', help: 'canvas | clever | classlink' },
      'district-id': { type: 'string', help: 'Clever district id' },
      'tenant-id': { type: 'string', help: 'ClassLink tenant id' },
      issuer: { type: 'string', help: 'Canvas issuer (default https://canvas.instructure.com)' },
      'client-id': { type: 'string', help: 'Canvas developer key client id' },
      'deployment-id': { type: 'string', multiple: true, help: 'Canvas deployment id (repeatable); with --connection, added to those the registration recorded' },
      'auth-endpoint': { type: 'string', help: 'self-hosted Canvas authorization endpoint' },
      'token-endpoint': { type: 'string', help: 'self-hosted Canvas token endpoint' },
      'jwks-url': { type: 'string', help: 'self-hosted Canvas JWKS URL' },
      'no-trust-email': { type: 'boolean', help: 'do not match existing users by email' },
      disabled: { type: 'boolean', help: 'link it disabled' },
    },
    async run(ctx, v) {
      const directoryId = str(v, 'directory');
      const deploymentIds = ((v['deployment-id'] as string[] | undefined) ?? []).map((id) => id.trim()).filter((id) => id !== '');
      const c = opt(v, 'connection')
        ? await ctx.services.linkConnection(ctx.actor, str(v, 'connection'), { directoryId, deploymentIds })
        : await ctx.services.createConnection(ctx.actor, directoryId, connectionInput(v));
      print(ctx, c, `Linked ${PARTNER_NAME[c.partner]} ${tenant(c)} to the directory (connection id ${c.id}).`);
    },
  },
  {
    group: 'connection',
    action: 'unlink',
    summary: 'unlink a connection: launches from its tenant are refused',
    options: { connection: { type: 'string', required: true, help: 'connection id' } },
    async run(ctx, v) {
      const c = await ctx.services.getConnection(ctx.actor, str(v, 'connection'));
      await ctx.services.unlinkConnection(ctx.actor, c.id);
      print(ctx, { unlinked: c.id }, `Unlinked ${PARTNER_NAME[c.partner]} ${tenant(c)}.`);
    },
  },
  ...(['enable', 'disable'] as const).map(
    (verb): Command => ({
      group: 'connection',
      action: verb,
      summary: `${verb} launches from a connection`,
      options: { connection: { type: 'string', required: true, help: 'connection id' } },
      async run(ctx, v) {
        const c = await ctx.services.updateConnection(ctx.actor, str(v, 'connection'), { enabled: verb === 'enable' });
        print(ctx, c, `${PARTNER_NAME[c.partner]} ${tenant(c)} is ${c.enabled ? 'enabled' : 'disabled'}.`);
      },
    }),
  ),
  {
    group: 'connection',
    action: 'list',
    summary: 'list connections (of a directory, or pending ones)',
    options: { directory: { type: 'string', help: 'directory id' }, pending: { type: 'boolean', help: 'only registrations waiting to be linked' } },
    async run(ctx, v) {
      const list = opt(v, 'directory')
        ? await ctx.services.listDirectoryConnections(ctx.actor, str(v, 'directory'))
        : await ctx.services.listConnections(ctx.actor, v.pending ? { status: 'pending' } : {});
      print(
        ctx,
        list,
        table(['ID', 'PARTNER', 'STATUS', 'TENANT', 'ENABLED', 'TRUST EMAIL'], list.map((c) => [c.id, c.partner, c.status, tenant(c), c.enabled ? 'yes' : 'no', c.trustEmail ? 'yes' : 'no'])),
      );
    },
  },

  // --- Licenses
  {
    group: 'license',
    action: 'assign',
    summary: 'give a person a license by email (creates the user when new)',
    options: {
      directory: { type: 'string', required: true, help: 'directory id' },
      email: { type: 'string', required: true, help: 'the person’s email' },
      product: { type: 'string', required: true, help: 'product id' },
    },
    async run(ctx, v) {
      const r = await ctx.services.assignLicense(ctx.actor, str(v, 'directory'), { email: str(v, 'email'), productId: str(v, 'product') });
      print(
        ctx,
        r,
        r.licenseCreated
          ? `Assigned ${r.license.productId} to ${r.user.email}${r.userCreated ? ' (new user)' : ''}.`
          : `${r.user.email} already holds ${r.license.productId}.`,
      );
    },
  },
  {
    group: 'license',
    action: 'revoke',
    summary: 'take a license back',
    options: {
      directory: { type: 'string', required: true, help: 'directory id' },
      email: { type: 'string', required: true, help: 'the person’s email' },
      product: { type: 'string', required: true, help: 'product id' },
    },
    async run(ctx, v) {
      const user = await userByEmail(ctx, str(v, 'directory'), str(v, 'email'));
      await ctx.services.revokeLicense(ctx.actor, user.id, str(v, 'product'));
      print(ctx, { revoked: { userId: user.id, productId: str(v, 'product') } }, `Revoked ${str(v, 'product')} from ${user.email}.`);
    },
  },

  // --- API tokens
  {
    group: 'token',
    action: 'create',
    summary: 'create an API token for an organization (or --operator: for the whole deployment); shown once',
    options: {
      org: { type: 'string', help: 'organization id or name' },
      operator: { type: 'boolean', help: 'an operator token (every organization)' },
      name: { type: 'string', required: true, help: 'where the token is used' },
    },
    async run(ctx, v) {
      if (!v.operator && !opt(v, 'org')) throw new UsageError('Give --org, or --operator for a deployment-wide token.');
      const orgId = v.operator ? null : (await resolveOrg(ctx, str(v, 'org'))).id;
      const t = await ctx.services.createApiToken(ctx.actor, orgId, { name: str(v, 'name') });
      print(ctx, t, [`Created API token "${t.name}" (id ${t.id}). It is shown only now:`, t.token]);
    },
  },
  {
    group: 'token',
    action: 'list',
    summary: 'list API tokens of an organization (or --operator tokens)',
    options: { org: { type: 'string', help: 'organization id or name' }, operator: { type: 'boolean', help: 'operator tokens' } },
    async run(ctx, v) {
      if (!v.operator && !opt(v, 'org')) throw new UsageError('Give --org, or --operator.');
      const orgId = v.operator ? null : (await resolveOrg(ctx, str(v, 'org'))).id;
      const list = await ctx.services.listApiTokens(ctx.actor, orgId);
      print(
        ctx,
        list,
        table(['ID', 'NAME', 'CREATED', 'LAST USED', 'STATUS'], list.map((t) => [t.id, t.name, t.createdAt.toISOString(), t.lastUsedAt?.toISOString() ?? '-', t.revokedAt ? 'revoked' : 'active'])),
      );
    },
  },
  {
    group: 'token',
    action: 'revoke',
    summary: 'revoke an API token',
    options: { token: { type: 'string', required: true, help: 'token id' } },
    async run(ctx, v) {
      const t = await ctx.services.revokeApiToken(ctx.actor, str(v, 'token'));
      print(ctx, t, `Revoked the API token "${t.name}".`);
    },
  },

  // --- Audit
  {
    group: 'audit',
    action: 'tail',
    summary: 'show the latest audit events: of one organization (--org), of none (--unassigned), or of all (--follow: keep watching)',
    options: {
      org: { type: 'string', help: 'organization id or name (without it: every organization’s events, and those of none)' },
      unassigned: { type: 'boolean', help: 'only events of no organization, e.g. launches from a tenant nobody linked' },
      limit: { type: 'string', help: 'how many (default 20, at most 200)' },
      decision: { type: 'string', help: 'allowed | refused' },
      follow: { type: 'boolean', help: 'keep printing new events until Ctrl-C' },
    },
    async run(ctx, v) {
      const orgOption = opt(v, 'org');
      if (orgOption !== undefined && v.unassigned) throw new UsageError('Use either --org or --unassigned.');
      const org = orgOption === undefined ? null : await resolveOrg(ctx, orgOption);
      const limitRaw = opt(v, 'limit') ?? '20';
      if (!/^\d{1,3}$/.test(limitRaw) || Number(limitRaw) < 1 || Number(limitRaw) > 200) throw new UsageError('--limit must be 1 to 200.');
      const decision = opt(v, 'decision');
      if (decision !== undefined && decision !== 'allowed' && decision !== 'refused') throw new UsageError('--decision must be allowed or refused.');
      const query = decision ? { kind: 'launch' as const, decision: decision as Decision } : {};
      // Without --org the tail spans organizations (an operator's view), so each line says whose it is.
      const orgNames = org === null && !v.unassigned ? new Map((await ctx.services.listOrganizations(ctx.actor)).map((o) => [o.id, o.name])) : null;
      const whose = (e: AuditEvent) => (orgNames === null ? '' : e.orgId === null ? '  [no organization]' : `  [${orgNames.get(e.orgId) ?? e.orgId}]`);
      const list = (limit: number) =>
        org !== null
          ? ctx.services.listAuditEvents(ctx.actor, org.id, query, { limit, offset: 0 })
          : ctx.services.listDeploymentAuditEvents(ctx.actor, v.unassigned ? { ...query, orgId: null } : query, { limit, offset: 0 });
      const seen = new Set<string>();
      const show = (events: AuditEvent[]) => {
        for (const e of [...events].reverse()) {
          if (seen.has(e.id)) continue;
          seen.add(e.id);
          if (ctx.json) ctx.io.stdout.write(`${JSON.stringify(e)}\n`);
          else ctx.io.stdout.write(`${auditLine(e)}${whose(e)}\n`);
        }
      };
      show((await list(Number(limitRaw))).items);
      if (!v.follow) return;
      while (!ctx.signal.aborted) {
        await sleep(2000, ctx.signal);
        if (ctx.signal.aborted) break;
        show((await list(200)).items);
      }
    },
  },
];
