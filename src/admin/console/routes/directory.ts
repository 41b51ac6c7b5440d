/** A directory's settings, domains and connections (the two-step SSO set-up). */
import type { Request, Router } from 'express';
import type { Connection } from '../../../store/model';
import type { ConnectionChanges, ConnectionInput } from '../../services';
import { AdminError } from '../../services/errors';
import type { ConsoleRuntime, Signed } from '../deps';
import { action, callMeta, formChecked, formText, param, render, signedOf } from '../http';
import { dirPath, orgNav } from '../nav';
import { connectionsBody, partnerUrls, tenantText } from '../views/connections';
import { domainsBody, settingsBody } from '../views/directory';

/** Optional URL fields: empty means "use the default". */
function optional(req: Request, name: string): string | undefined {
  const value = formText(req, name).trim();
  return value === '' ? undefined : value;
}

/** A deployment-ID list as typed: one per line or comma separated, blanks dropped. */
function deploymentIdList(raw: string): string[] {
  return raw
    .split(/[\r\n,]+/)
    .map((id) => id.trim())
    .filter((id) => id !== '');
}

/** Whether the form carried the field at all (an emptied textarea is sent, and means "none"). */
function hasField(req: Request, name: string): boolean {
  const body = req.body as Record<string, unknown> | undefined;
  return typeof body?.[name] === 'string';
}

function connectionInput(req: Request): ConnectionInput {
  const common = { enabled: formChecked(req, 'enabled'), trustEmail: formChecked(req, 'trustEmail') };
  switch (formText(req, 'partner')) {
    case 'canvas':
      return {
        partner: 'canvas',
        issuer: formText(req, 'issuer'),
        clientId: formText(req, 'clientId'),
        deploymentIds: deploymentIdList(formText(req, 'deploymentIds')),
        authEndpoint: optional(req, 'authEndpoint'),
        tokenEndpoint: optional(req, 'tokenEndpoint'),
        jwksUrl: optional(req, 'jwksUrl'),
        ...common,
      };
    case 'clever':
      return { partner: 'clever', districtId: formText(req, 'districtId'), ...common };
    case 'classlink':
      return { partner: 'classlink', tenantId: formText(req, 'tenantId'), ...common };
    default:
      throw new AdminError('invalid_input', 'Choose Canvas, Clever or ClassLink.', 'partner');
  }
}

const PARTNER = { canvas: 'Canvas', clever: 'Clever', classlink: 'ClassLink' } as const;

export function directoryRoutes(rt: ConsoleRuntime, router: Router): void {
  const { services } = rt;
  const directoryPage = async (req: Request, signed: Signed) => {
    const directory = await services.getDirectory(signed.actor, param(req, 'directoryId'));
    const nav = await orgNav(rt, signed, directory.orgId);
    return { directory, nav };
  };

  router.get('/directories/:directoryId', (req, res) => {
    res.redirect(303, dirPath(param(req, 'directoryId'), '/settings'));
  });

  // --- Settings

  router.get('/directories/:directoryId/settings', async (req, res) => {
    const signed = signedOf(res);
    const { directory, nav } = await directoryPage(req, signed);
    const current = dirPath(directory.id, '/settings');
    await render(rt, res, { title: `Settings: ${directory.name}`, nav, current, body: settingsBody(directory, signed.session.csrf) });
  });

  router.post(
    '/directories/:directoryId/settings',
    action(rt, (req) => dirPath(param(req, 'directoryId'), '/settings'), async (req, res, signed) => {
      const jitEnabled = formChecked(req, 'jitEnabled');
      const directory = await services.updateDirectory(signed.actor, param(req, 'directoryId'), { name: formText(req, 'name'), jitEnabled }, callMeta(res));
      return {
        redirect: dirPath(directory.id, '/settings'),
        flash: { kind: 'success', text: `Saved. Just-in-time user provisioning is ${directory.jitEnabled ? 'on' : 'off'} for ${directory.name}.` },
      };
    }),
  );

  // --- Domains

  router.get('/directories/:directoryId/domains', async (req, res) => {
    const signed = signedOf(res);
    const { directory, nav } = await directoryPage(req, signed);
    const domains = await services.listDomains(signed.actor, directory.id);
    await render(rt, res, {
      title: `Domains: ${directory.name}`,
      nav,
      current: dirPath(directory.id, '/domains'),
      body: domainsBody(directory, domains, signed.session.csrf, signed.actor.kind === 'operator'),
    });
  });

  router.post(
    '/directories/:directoryId/domains',
    action(rt, (req) => dirPath(param(req, 'directoryId'), '/domains'), async (req, res, signed) => {
      const domain = await services.claimDomain(signed.actor, param(req, 'directoryId'), { name: formText(req, 'name') }, callMeta(res));
      return {
        redirect: dirPath(domain.directoryId, '/domains'),
        flash: { kind: 'success', text: `Claimed ${domain.name}. Publish the TXT record ${domain.dnsRecord.name} with the value ${domain.dnsRecord.value}, then choose Verify.` },
      };
    }),
  );

  const domainBack = async (req: Request, signed: Signed) => dirPath((await services.getDomain(signed.actor, param(req, 'domainId'))).directoryId, '/domains');

  router.post(
    '/domains/:domainId/verify',
    action(rt, domainBack, async (req, res, signed) => {
      const { domain, check } = await services.verifyDomainByDns(signed.actor, param(req, 'domainId'), callMeta(res));
      const details = check.found.length > 0 ? check.found.map((v) => `Found: ${v}`) : undefined;
      return {
        redirect: dirPath(domain.directoryId, '/domains'),
        flash: { kind: check.matched ? 'success' : 'error', text: check.matched ? `${domain.name} is verified. ${check.message}` : check.message, details },
      };
    }),
  );

  router.post(
    '/domains/:domainId/operator-verify',
    action(rt, domainBack, async (req, res, signed) => {
      const domain = await services.verifyDomainByOperator(signed.actor, param(req, 'domainId'), callMeta(res));
      return { redirect: dirPath(domain.directoryId, '/domains'), flash: { kind: 'success', text: `${domain.name} is marked verified by the operator.` } };
    }),
  );

  router.post(
    '/domains/:domainId/remove',
    action(rt, domainBack, async (req, res, signed) => {
      const domain = await services.getDomain(signed.actor, param(req, 'domainId'));
      await services.removeDomain(signed.actor, domain.id, callMeta(res));
      return { redirect: dirPath(domain.directoryId, '/domains'), flash: { kind: 'success', text: `Removed ${domain.name}.` } };
    }),
  );

  // --- Connections

  router.get('/directories/:directoryId/connections', async (req, res) => {
    const signed = signedOf(res);
    const { directory, nav } = await directoryPage(req, signed);
    const isOperator = signed.actor.kind === 'operator';
    const [connections, pending] = await Promise.all([
      services.listDirectoryConnections(signed.actor, directory.id),
      // An organization admin is never shown pending registrations: it claims one with its code.
      isOperator ? services.listConnections(signed.actor, { status: 'pending', partner: 'canvas' }) : Promise.resolve([]),
    ]);
    await render(rt, res, {
      title: `Identity and connections: ${directory.name}`,
      nav,
      current: dirPath(directory.id, '/connections'),
      body: connectionsBody({ directory, connections, pendingCanvas: pending, isOperator, urls: partnerUrls(rt.deps.publicUrl), csrf: signed.session.csrf }),
    });
  });

  router.post(
    '/directories/:directoryId/connections',
    action(rt, (req) => dirPath(param(req, 'directoryId'), '/connections'), async (req, res, signed) => {
      const connection = await services.createConnection(signed.actor, param(req, 'directoryId'), connectionInput(req), callMeta(res));
      return {
        redirect: dirPath(param(req, 'directoryId'), '/connections'),
        flash: { kind: 'success', text: `Linked ${tenantText(connection)} to this directory.` },
      };
    }),
  );

  const connectionBack = async (req: Request, signed: Signed) => {
    const connection = await services.getConnection(signed.actor, param(req, 'connectionId'));
    return connection.directoryId ? dirPath(connection.directoryId, '/connections') : '/admin';
  };
  const backTo = (c: Connection) => (c.directoryId ? dirPath(c.directoryId, '/connections') : '/admin');

  router.post(
    '/connections/:connectionId/update',
    action(rt, connectionBack, async (req, res, signed) => {
      const changes: ConnectionChanges = {};
      if (formText(req, 'enabled') !== '') changes.enabled = formChecked(req, 'enabled');
      if (formText(req, 'trustEmail') !== '') changes.trustEmail = formChecked(req, 'trustEmail');
      if (hasField(req, 'deploymentIds')) changes.deploymentIds = deploymentIdList(formText(req, 'deploymentIds'));
      const c = await services.updateConnection(signed.actor, param(req, 'connectionId'), changes, callMeta(res));
      const what = `${PARTNER[c.partner]} connection (${tenantText(c)})`;
      const text =
        changes.deploymentIds !== undefined
          ? `Saved the deployment IDs of the ${what}.`
          : changes.enabled !== undefined
            ? `The ${what} is ${c.enabled ? 'enabled' : 'disabled'}.`
            : `The ${what} ${c.trustEmail ? 'now matches users by email' : 'no longer matches users by email'}.`;
      return { redirect: backTo(c), flash: { kind: 'success', text } };
    }),
  );

  router.post(
    '/connections/:connectionId/unlink',
    action(rt, connectionBack, async (req, res, signed) => {
      const c = await services.getConnection(signed.actor, param(req, 'connectionId'));
      await services.unlinkConnection(signed.actor, c.id, callMeta(res));
      return { redirect: backTo(c), flash: { kind: 'success', text: `Unlinked ${tenantText(c)}. Launches from it are refused until it is linked again.` } };
    }),
  );

  router.post(
    '/connections/:connectionId/link',
    action(rt, (req) => dirPath(formText(req, 'directoryId') || 'unknown', '/connections'), async (req, res, signed) => {
      const c = await services.linkConnection(signed.actor, param(req, 'connectionId'), { directoryId: formText(req, 'directoryId') }, callMeta(res));
      return { redirect: backTo(c), flash: { kind: 'success', text: `Linked ${tenantText(c)} to this directory.` } };
    }),
  );

  router.post(
    '/directories/:directoryId/connections/claim',
    action(rt, (req) => dirPath(param(req, 'directoryId'), '/connections'), async (req, res, signed) => {
      // A directory that is not the admin's answers 404; a code that claims nothing is said on the page.
      const directory = await services.getDirectory(signed.actor, param(req, 'directoryId'));
      let c: Connection;
      try {
        c = await services.claimConnection(signed.actor, directory.id, formText(req, 'claimCode'), callMeta(res));
      } catch (error) {
        if (error instanceof AdminError && error.code === 'not_found') {
          throw new AdminError('invalid_input', 'No pending Canvas registration has that claim code. Check it with the Canvas admin who registered LaunchGate: a code works once, for 30 days.', 'claimCode');
        }
        throw error;
      }
      const missing = c.settings.partner === 'canvas' && c.settings.deploymentIds.length === 0 ? ' Add its deployment IDs below: launches are refused until then.' : '';
      return { redirect: dirPath(directory.id, '/connections'), flash: { kind: 'success', text: `Linked ${c.label ?? 'the Canvas registration'} (${tenantText(c)}) to this directory.${missing}` } };
    }),
  );

  router.post(
    '/connections/:connectionId/delete',
    action(rt, (req) => (formText(req, 'directoryId') ? dirPath(formText(req, 'directoryId'), '/connections') : '/admin'), async (req, res, signed) => {
      const c = await services.deletePendingConnection(signed.actor, param(req, 'connectionId'), callMeta(res));
      const back = formText(req, 'directoryId');
      return { redirect: back ? dirPath(back, '/connections') : '/admin', flash: { kind: 'success', text: `Deleted the pending registration ${c.label ?? ''} (${tenantText(c)}).` } };
    }),
  );
}
