/**
 * The HTTP server for the Express app, whose request and response objects are born with the
 * app's own prototypes.
 *
 * Why: Express's app.handle gives every request and response the app's prototypes with
 * Object.setPrototypeOf. V8 then meets objects whose prototype changed after they were built, and
 * property accesses on them, in Express and in Node's own http code, leave their fast paths.
 * `npm run bench:express` measures one route: 110–153 µs of server CPU per request served the
 * usual way, 34–37 µs when the objects are constructed with the prototype they end up with
 * (setting the prototype an object already has changes nothing), 25 µs for plain Node. A Canvas
 * launch makes three requests into LaunchGate.
 *
 * Express still sets the prototype (a no-op here), so a mounted sub-app (ltijs's own app serving
 * /lti/keys) works as before, with the slow path for that request alone.
 */
import http from 'node:http';
import type { Socket } from 'node:net';
import type { Express } from 'express';

/** Node's own constructors are plain functions: a constructor of ours can call them on `this`. */
type Initializer<A extends unknown[]> = (this: object, ...args: A) => void;

export function createAppServer(app: Express): http.Server {
  const initRequest = http.IncomingMessage as unknown as Initializer<[Socket]>;
  const initResponse = http.ServerResponse as unknown as Initializer<[http.IncomingMessage, object?]>;

  function AppRequest(this: object, socket: Socket): void {
    initRequest.call(this, socket);
  }
  AppRequest.prototype = app.request;

  function AppResponse(this: object, req: http.IncomingMessage, options?: object): void {
    initResponse.call(this, req, options);
  }
  AppResponse.prototype = app.response;

  return http.createServer(
    {
      IncomingMessage: AppRequest as unknown as typeof http.IncomingMessage,
      ServerResponse: AppResponse as unknown as typeof http.ServerResponse,
    },
    app,
  );
}
