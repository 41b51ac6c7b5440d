/**
 * Turns zod's verdict on a body, a query or a path into one `invalid_input` error naming the field,
 * in words an integrator can act on.
 */
import type { z, ZodIssue } from 'zod';
import { AdminError } from '../services/errors';

export type Part = 'body' | 'query';

function describeIssue(issue: ZodIssue, part: Part): string {
  const field = issue.path.join('.');
  const subject = field === '' ? (part === 'body' ? 'The request body' : 'The query') : `"${field}"`;
  switch (issue.code) {
    case 'unrecognized_keys':
      return part === 'body' ? `Unknown field "${issue.keys[0]}".` : `Unknown query parameter "${issue.keys[0]}".`;
    case 'invalid_type':
      if (issue.received === 'undefined') return field === '' ? `${subject} is required and must be a JSON object.` : `${subject} is required.`;
      if (issue.expected === 'integer') return `${subject} must be a whole number.`;
      return `${subject} must be ${article(issue.expected)}, not ${article(issue.received)}.`;
    case 'too_small':
      if (issue.type === 'string') return issue.minimum === 1 ? `${subject} must not be empty.` : `${subject} must be at least ${issue.minimum} characters.`;
      if (issue.type === 'array') return `${subject} must list at least ${issue.minimum} item(s).`;
      return `${subject} must be at least ${issue.minimum}.`;
    case 'too_big':
      if (issue.type === 'string') return `${subject} must be at most ${issue.maximum} characters.`;
      if (issue.type === 'array') return `${subject} must list at most ${issue.maximum} items.`;
      return `${subject} must be at most ${issue.maximum}.`;
    case 'invalid_enum_value':
    case 'invalid_union_discriminator':
      return `${subject} must be one of: ${issue.options.map(String).join(', ')}.`;
    case 'invalid_literal':
      return `${subject} must be ${JSON.stringify(issue.expected)}.`;
    default:
      return `${subject} ${issue.message}`;
  }
}

function article(type: string): string {
  if (type === 'null') return 'null';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** The most useful issue first: an unknown field explains every other complaint about a request. */
function mainIssue(issues: ZodIssue[]): ZodIssue {
  return issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0]!;
}

export function parseInput<S extends z.ZodTypeAny>(schema: S, value: unknown, part: Part): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data as z.output<S>;
  const issue = mainIssue(result.error.issues);
  const field = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]].join('.') : issue.path.join('.');
  return invalid(describeIssue(issue, part), field);
}

function invalid(message: string, field: string): never {
  throw new AdminError('invalid_input', message, field === '' ? undefined : field);
}
