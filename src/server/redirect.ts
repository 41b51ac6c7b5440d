import type { Response } from 'express';

/**
 * A redirect with no body. Express's res.redirect negotiates the Accept header and renders an
 * HTML or text body nobody reads; the launch path answers one or two redirects per launch, and
 * that negotiation showed in its profile. `url` must be absolute and already encoded (URL#href).
 */
export function redirectTo(res: Response, status: 302 | 303, url: string): void {
  res.statusCode = status;
  res.setHeader('Location', url);
  res.setHeader('Content-Length', '0');
  res.end();
}
