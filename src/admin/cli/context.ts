/** What every command gets: the services acting as the CLI operator, and output in words or JSON. */
import type { AccountDeps } from '../accounts';
import { CLI_ACTOR, type Actor } from '../auth';
import type { AdminServices } from '../services';
import { AdminError } from '../services/errors';
import type { Organization } from '../../store/model';
import type { CliIo } from './io';

export interface CommandContext {
  actor: Actor;
  services: AdminServices;
  accounts: AccountDeps;
  io: CliIo;
  json: boolean;
  /** Ends `--follow` loops (Ctrl-C). */
  signal: AbortSignal;
}

export function contextFor(services: AdminServices, accounts: AccountDeps, io: CliIo, json: boolean, signal: AbortSignal): CommandContext {
  return { actor: CLI_ACTOR, services, accounts, io, json, signal };
}

/** Prints `value` as JSON with --json, otherwise the lines for people. */
export function print(ctx: CommandContext, value: unknown, lines: string | string[]): void {
  if (ctx.json) ctx.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  else ctx.io.stdout.write(`${(Array.isArray(lines) ? lines : [lines]).join('\n')}\n`);
}

/** Columns separated by two spaces, padded to the widest cell. */
export function table(header: string[], rows: string[][]): string[] {
  if (rows.length === 0) return ['(none)'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)];
}

/** An organization by id, or by its exact name (case-insensitive) when that is unambiguous. */
export async function resolveOrg(ctx: CommandContext, idOrName: string): Promise<Organization> {
  try {
    return await ctx.services.getOrganization(ctx.actor, idOrName);
  } catch (error) {
    if (!(error instanceof AdminError && error.code === 'not_found')) throw error;
  }
  const matches = (await ctx.services.listOrganizations(ctx.actor)).filter((o) => o.name.toLowerCase() === idOrName.toLowerCase());
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) throw new AdminError('conflict', `${matches.length} organizations are named "${idOrName}"; give the id (launchgate org list).`);
  throw new AdminError('not_found', `No organization with the id or name "${idOrName}" (launchgate org list).`);
}
