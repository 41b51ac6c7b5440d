/**
 * The baseline: stock ltijs 5.9.9 in its own process, with its default launch handling (login,
 * id_token POST validated with the platform's JWKS fetched on every launch, redirect to the app
 * route with an ltik, ltik GET) and no provisioning, on the same SQLite plugin LaunchGate uses.
 * Served in ltijs's serverless mode from an HTTP server on 127.0.0.1.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Request, Response } from 'express';
import { Provider, type LtijsProvider } from 'ltijs';
import { LtijsSqlitePlugin } from '../../partners/canvas/ltijs/sqlite-plugin';
import type { CanvasSimInfo } from './canvas-sim-process';
import { serveRpc } from './ipc';
import { LTIJS_OK_MARKER } from './ltijs-baseline';

type ConnectCallback = (token: { user?: string }, req: Request, res: Response) => void;
const provider = Provider as LtijsProvider & { onConnect(callback: ConnectCallback): void };

let server: http.Server | null = null;
let plugin: LtijsSqlitePlugin | null = null;

serveRpc({
  async start(args: { platform: CanvasSimInfo; file: string }): Promise<{ baseUrl: string }> {
    plugin = new LtijsSqlitePlugin({ file: args.file });
    provider.setup(randomBytes(32).toString('hex'), { plugin }, {
      appRoute: '/lti/launch',
      loginRoute: '/lti/login',
      keysetRoute: '/lti/keys',
      // Plain http on loopback: ltijs's own defaults otherwise (Secure cookies would not come back).
      cookies: { secure: false, sameSite: 'Lax' },
    });
    provider.onConnect((token, _req, res) => {
      res.send(`<!doctype html><p>${LTIJS_OK_MARKER} for ${String(token.user)}</p>`);
    });
    await provider.deploy({ serverless: true, silent: true });
    const platform = await provider.registerPlatform({
      url: args.platform.issuer,
      clientId: args.platform.clientId,
      name: 'Simulated Canvas',
      authenticationEndpoint: args.platform.authEndpoint,
      accesstokenEndpoint: args.platform.tokenEndpoint,
      authConfig: { method: 'JWK_SET', key: args.platform.jwksUrl },
    });
    await platform.platformActive(true);
    const app = provider.app;
    server = http.createServer((req, res) => app(req as Request, res as Response, () => res.writeHead(404).end()));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return { baseUrl: `http://127.0.0.1:${port}` };
  },
  async stop(): Promise<void> {
    if (server !== null) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server!.close(() => resolve()));
      server = null;
    }
    await provider.close({ silent: true }).catch(() => undefined);
    await plugin?.Close();
  },
});
