import pino, { type Logger } from 'pino';
import type { LogLevel } from './config';
import { redactLogFields, serializeError } from './log-redaction';

export type { Logger };

/**
 * Anything that could carry a credential is cut from log lines: these paths, in pino's redact
 * syntax, are the cut log-redaction.ts makes (its tests hold it to pino's own redaction of them).
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.authorization',
  '*.cookie',
  '*.password',
  '*.token',
  '*.id_token',
  '*.access_token',
  '*.refresh_token',
  '*.client_secret',
  '*.clientSecret',
  '*.code',
  '*.secret',
  '*.assertion',
  '*.ltik',
];

export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'launchgate' },
      formatters: { log: redactLogFields },
      serializers: { err: serializeError },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
