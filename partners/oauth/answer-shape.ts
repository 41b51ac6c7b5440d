/**
 * Checks a partner's JSON answer against the shape we rely on. The error names which fields are
 * missing or mistyped, never their values (an answer can carry personal data).
 */
import type { z } from 'zod';
import { partnerError } from './errors';

export function parseAnswer<S extends z.ZodTypeAny>(schema: S, value: unknown, where: string): z.infer<S> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw partnerError('userinfo_malformed', `${where} answered JSON that is not an object`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || '(root)'))].slice(0, 5);
    throw partnerError('userinfo_incomplete', `${where} lacks or mistypes: ${fields.join(', ')}`);
  }
  return parsed.data as z.infer<S>;
}

/** A trimmed non-empty string, or undefined. */
export function text(value: string | null | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
