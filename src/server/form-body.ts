/**
 * Reads an `application/x-www-form-urlencoded` body into `req.body`: what a partner posts on the
 * launch path (Canvas's login initiation and its id_token form_post).
 *
 * Why not express.urlencoded: body-parser runs raw-body, iconv-lite, type-is and qs for every
 * post, about 4% of LaunchGate's CPU and allocations in a Canvas burst. A launch form is a
 * handful of flat `name=value` pairs in UTF-8; node:querystring reads them at a fraction of the
 * cost, and nothing here needs nested keys.
 *
 * What it refuses, each with a FormBodyError that names the HTTP status (the app's error handler
 * answers with it; the Canvas routes turn it into a refused launch, audited as form_unreadable):
 *   413 form_too_large       more bytes than `limitBytes` (declared or streamed), or more than `parameterLimit` fields
 *   415 form_charset         a charset other than UTF-8
 *   415 form_encoding        a Content-Encoding other than identity (browsers never compress a form)
 *   400 form_aborted         the client went away before the body ended
 * Another content type, or no body at all, leaves `req.body` unset, as body-parser does.
 */
import { parse as parseQuery } from 'node:querystring';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

export type FormBodyErrorCode = 'form_too_large' | 'form_charset' | 'form_encoding' | 'form_aborted';

export class FormBodyError extends Error {
  override readonly name = 'FormBodyError';
  constructor(
    readonly code: FormBodyErrorCode,
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

export interface FormBodyOptions {
  limitBytes: number;
  parameterLimit: number;
}

const FORM_TYPE = 'application/x-www-form-urlencoded';

/** The media type and charset of a Content-Type header, lower-cased; null charset when it names none. */
function mediaType(header: string): { type: string; charset: string | null } {
  const semi = header.indexOf(';');
  const type = (semi < 0 ? header : header.slice(0, semi)).trim().toLowerCase();
  if (semi < 0) return { type, charset: null };
  const match = /(?:^|;)\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(header.slice(semi));
  return { type, charset: match ? match[1]!.toLowerCase() : null };
}

function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');
}

/** Fields in `body` (an `&` ends one), counted without splitting the string. */
function fieldCount(body: string, stopAfter: number): number {
  let count = body.length > 0 ? 1 : 0;
  for (let i = body.indexOf('&'); i >= 0 && count <= stopAfter; i = body.indexOf('&', i + 1)) count += 1;
  return count;
}

export function formBody(options: FormBodyOptions): RequestHandler {
  const { limitBytes, parameterLimit } = options;
  return (req: Request, _res: Response, next: NextFunction): void => {
    const contentType = req.headers['content-type'];
    if (contentType === undefined || !hasBody(req)) {
      next();
      return;
    }
    const { type, charset } = mediaType(contentType);
    if (type !== FORM_TYPE) {
      next();
      return;
    }
    const fail = (error: FormBodyError): void => {
      // Stop reading: whatever else the client sends is not looked at.
      req.unpipe();
      req.resume();
      next(error);
    };
    if (charset !== null && charset !== 'utf-8' && charset !== 'utf8') {
      fail(new FormBodyError('form_charset', 415, `the form's charset "${charset.slice(0, 32)}" is not UTF-8`));
      return;
    }
    const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
    if (encoding !== 'identity') {
      fail(new FormBodyError('form_encoding', 415, 'the form is compressed; send it uncompressed'));
      return;
    }
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limitBytes) {
      fail(new FormBodyError('form_too_large', 413, `the form is larger than ${limitBytes} bytes`));
      return;
    }

    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('aborted', onAborted);
      req.off('error', onError);
    };
    const settle = (error: FormBodyError | null): void => {
      if (settled) return;
      settled = true;
      cleanup();
      if (error !== null) {
        fail(error);
        return;
      }
      const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks, size).toString('utf8');
      if (fieldCount(text, parameterLimit) > parameterLimit) {
        next(new FormBodyError('form_too_large', 413, `the form has more than ${parameterLimit} fields`));
        return;
      }
      req.body = parseQuery(text, '&', '=', { maxKeys: 0 });
      next();
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limitBytes) {
        settle(new FormBodyError('form_too_large', 413, `the form is larger than ${limitBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => settle(null);
    const onAborted = (): void => settle(new FormBodyError('form_aborted', 400, 'the client closed the connection before the form ended'));
    const onError = (): void => onAborted();
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('aborted', onAborted);
    req.on('error', onError);
  };
}
