/**
 * Closing an HTTP server without cutting requests off. `server.close()` stops accepting and calls
 * back once every connection is gone, but a keep-alive connection stays open, idle, until its
 * timeout (5 s by default) after its last answer, and `closeIdleConnections()` only closes those
 * idle at the moment it is called. So while draining, answers ask the client to close
 * (`Connection: close`), and each connection that falls idle is closed at once.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export interface Drainer {
  /** Stops accepting; resolves when every in-flight request has been answered and its connection closed. */
  drain(): Promise<void>;
}

export function drainable(server: Server): Drainer {
  let draining = false;
  const inFlight = new Set<ServerResponse>();

  const askToClose = (res: ServerResponse) => {
    if (!res.headersSent) res.setHeader('Connection', 'close');
  };

  // Before the app's own listener, so the header is set before any handler can answer.
  server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
    inFlight.add(res);
    if (draining) askToClose(res);
    res.once('close', () => {
      inFlight.delete(res);
      // The connection is idle only once the answer is out: close it on the next turn.
      if (draining) setImmediate(() => server.closeIdleConnections());
    });
  });

  return {
    drain() {
      draining = true;
      for (const res of inFlight) askToClose(res);
      return new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeIdleConnections();
      });
    },
  };
}
