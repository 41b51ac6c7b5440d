/** The parent's side of the stock-ltijs baseline: its process, and how a bare launch ends. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Hop } from './browser';
import { forkChild, scratchDir, stopChild, type Runtime } from './children';
import type { CanvasSimInfo } from './canvas-sim-process';
import { RpcClient } from './ipc';
import type { LaunchOutcome } from './load';

/** What the baseline's app page says: proof that ltijs validated the launch and then the ltik. */
export const LTIJS_OK_MARKER = 'ltijs-bare-launch-ok';

export interface LtijsBaseline {
  pid: number | undefined;
  baseUrl: string;
  stop(): Promise<void>;
}

export async function startLtijsBaseline(runtime: Runtime, platform: CanvasSimInfo): Promise<LtijsBaseline> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ltijs-bench-'));
  const scratch = scratchDir(dir);
  const rpc = new RpcClient(forkChild(runtime, 'scripts/bench/ltijs-process'), 'ltijs baseline');
  const { baseUrl } = await rpc.call<{ baseUrl: string }>('start', { platform, file: path.join(dir, 'ltijs.sqlite') });
  return {
    pid: rpc.child.pid,
    baseUrl,
    async stop() {
      await rpc.call('stop').catch(() => undefined);
      await stopChild(rpc.child, 2_000);
      scratch.remove();
    },
  };
}

export const LTIJS_OK = 'ltijs_ok';

export function ltijsOutcome(last: Hop): LaunchOutcome {
  if (last.status === 200 && last.body.includes(LTIJS_OK_MARKER)) return { outcome: LTIJS_OK };
  return { outcome: 'error', detail: `${last.status} at ${new URL(last.url).pathname}: ${last.body.replace(/\s+/g, ' ').slice(0, 160)}` };
}
