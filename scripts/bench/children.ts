/**
 * The benchmark's child processes: every one is registered here when it is spawned and killed when
 * the run ends, however it ends (normal exit, an error, Ctrl-C), so a run never leaves a server
 * listening behind it.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** The repository root, whether this file runs from scripts/bench or from dist/scripts/bench. */
export const REPO_ROOT = ((): string => {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
})();

/**
 * How children run: `dist` uses the compiled JavaScript (what `npm run bench` measures, after
 * `npm run build`); `tsx` runs the TypeScript sources (the smoke test, which must not need a build).
 */
export type Runtime = 'dist' | 'tsx';

const live = new Set<ChildProcess>();
const scratch = new Set<string>();
let hooked = false;

function killAll(signal: NodeJS.Signals = 'SIGKILL'): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  }
  live.clear();
}

function removeScratch(): void {
  for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true });
  scratch.clear();
}

/** A temporary directory removed when the run ends, however it ends (unless `release`d first). */
export function scratchDir(dir: string): { release(): void; remove(): void } {
  hookProcessExit();
  scratch.add(dir);
  return {
    release: () => scratch.delete(dir),
    remove: () => {
      scratch.delete(dir);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function hookProcessExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    killAll();
    removeScratch();
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(130);
    });
  }
}

function track(child: ChildProcess): ChildProcess {
  hookProcessExit();
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** The module path and node arguments that run `rel` (a path without extension, from the repo root). */
export function entryPoint(runtime: Runtime, rel: string): { file: string; execArgv: string[] } {
  if (runtime === 'dist') return { file: path.join(REPO_ROOT, 'dist', `${rel}.js`), execArgv: [] };
  return { file: path.join(REPO_ROOT, `${rel}.ts`), execArgv: ['--import', 'tsx'] };
}

/** A child with an IPC channel (simulators, the ltijs baseline). */
export function forkChild(runtime: Runtime, rel: string, extraExecArgv: string[] = []): ChildProcess {
  const { file, execArgv } = entryPoint(runtime, rel);
  return track(
    fork(file, [], {
      cwd: REPO_ROOT,
      execArgv: [...execArgv, ...extraExecArgv],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, NODE_ENV: 'test' },
    }),
  );
}

/** A plain child (LaunchGate itself) writing stdout and stderr straight into `logFd`. */
export function spawnChild(runtime: Runtime, rel: string, env: Record<string, string>, extraExecArgv: string[], logFd: number): ChildProcess {
  const { file, execArgv } = entryPoint(runtime, rel);
  return track(
    spawn(process.execPath, [...execArgv, ...extraExecArgv, file], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', logFd, logFd],
    }),
  );
}

/** Asks a child to stop (SIGTERM), and kills it if it has not exited within `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export function killAllChildren(): void {
  killAll();
}
