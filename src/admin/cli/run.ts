/**
 * `launchgate`: parse the command line, open the store from the same configuration as the server,
 * run one command, close the store. Exit 0 on success, 1 when the command was refused or failed,
 * 2 on a usage mistake; an error is one line on stderr.
 */
import { parseArgs } from 'node:util';
import { productCatalog } from '../../provisioning/product';
import { ConfigError, loadConfig } from '../../server/config';
import { StoreConflictError, StoreUnavailableError } from '../../store/errors';
import { openStore } from '../../store/open';
import type { Store } from '../../store/port';
import type { ScryptParams } from '../accounts';
import { createAdminServices } from '../services';
import type { ResolveTxt } from '../services/deps';
import { AdminError } from '../services/errors';
import { COMMANDS, type Command } from './commands';
import { contextFor } from './context';
import { UsageError, type CliIo } from './io';

export interface CliOptions {
  /** Tests: a store to use instead of opening one from the configuration. */
  store?: Store;
  resolveTxt?: ResolveTxt;
  scrypt?: ScryptParams;
  signal?: AbortSignal;
}

function groups(): string[] {
  return [...new Set(COMMANDS.map((c) => c.group))];
}

export function helpText(): string {
  const lines = ['Usage: launchgate <group> <action> [options]   (add --json for JSON output, --help for a command’s options)', ''];
  for (const group of groups()) {
    for (const c of COMMANDS.filter((x) => x.group === group)) lines.push(`  ${`${c.group} ${c.action}`.padEnd(22)} ${c.summary}`);
  }
  lines.push('', 'Configuration comes from the same environment as the server (DATA_DIR, MONGODB_URI, ...).');
  return lines.join('\n');
}

function commandHelp(c: Command): string {
  const lines = [`Usage: launchgate ${c.group} ${c.action} [options]`, '', `  ${c.summary}`, ''];
  for (const [name, spec] of Object.entries(c.options)) {
    const flag = `--${name}${spec.type === 'string' ? ' <value>' : ''}`;
    lines.push(`  ${flag.padEnd(28)} ${spec.help}${spec.required ? ' (required)' : ''}`);
  }
  lines.push(`  ${'--json'.padEnd(28)} print JSON`);
  return lines.join('\n');
}

function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ').trim();
}

export async function runCli(argv: string[], io: CliIo, options: CliOptions = {}): Promise<number> {
  const [group, action, ...rest] = argv;
  if (group === undefined || group === 'help' || group === '--help' || group === '-h') {
    // Asked for: stdout and success. Nothing asked: a usage mistake, so stderr and exit 2.
    (group === undefined ? io.stderr : io.stdout).write(`${helpText()}\n`);
    return group === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((c) => c.group === group && c.action === action);
  if (!command) {
    const known = COMMANDS.filter((c) => c.group === group).map((c) => c.action);
    io.stderr.write(
      known.length > 0
        ? `launchgate: unknown action "${action ?? ''}" for ${group}; try one of: ${known.join(', ')}\n`
        : `launchgate: unknown command "${group}"; run "launchgate help" for the list\n`,
    );
    return 2;
  }

  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    const parsed = parseArgs({
      args: rest,
      strict: true,
      allowPositionals: false,
      options: {
        ...Object.fromEntries(Object.entries(command.options).map(([name, spec]) => [name, { type: spec.type, multiple: spec.multiple ?? false }])),
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    values = parsed.values as typeof values;
  } catch (error) {
    io.stderr.write(`launchgate: ${oneLine(error instanceof Error ? error.message : String(error))} (see: launchgate ${group} ${action} --help)\n`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(`${commandHelp(command)}\n`);
    return 0;
  }
  const missing = Object.entries(command.options).find(([name, spec]) => spec.required && (typeof values[name] !== 'string' || (values[name] as string).trim() === ''));
  if (missing) {
    io.stderr.write(`launchgate: --${missing[0]} is required (see: launchgate ${group} ${action} --help)\n`);
    return 2;
  }

  let opened: Store | undefined;
  try {
    const config = loadConfig(io.env, io.cwd);
    const store = options.store ?? (opened = await openStore(config));
    const services = createAdminServices({
      store,
      products: productCatalog(config.products, config.defaultProductId),
      resolveTxt: options.resolveTxt,
      refusePrivateHosts: config.nodeEnv === 'production',
    });
    const accounts = { admin: services.deps, accounts: store, scrypt: options.scrypt };
    await command.run(contextFor(services, accounts, io, values.json === true, options.signal ?? new AbortController().signal), values);
    return 0;
  } catch (error) {
    io.stderr.write(`launchgate: ${describe(error)}\n`);
    return error instanceof UsageError ? 2 : 1;
  } finally {
    await opened?.close();
  }
}

function describe(error: unknown): string {
  if (error instanceof AdminError || error instanceof UsageError) return oneLine(error.message);
  if (error instanceof ConfigError) return `configuration error: ${oneLine(error.message)}`;
  if (error instanceof StoreUnavailableError) return `the store is not reachable: ${oneLine(error.message)}`;
  if (error instanceof StoreConflictError) return oneLine(error.message);
  return `unexpected error: ${oneLine(error instanceof Error ? error.message : String(error))}`;
}
