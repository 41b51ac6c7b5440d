/**
 * What a process costs, read from Linux's /proc: CPU seconds (utime + stime) and resident memory
 * (VmRSS now, VmHWM the peak). Writing 5 to clear_refs resets the peak, so each phase gets its own.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

let ticksPerSecond: number | null = null;

function clockTicks(): number {
  if (ticksPerSecond === null) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

export interface ProcSample {
  cpuSeconds: number;
  rssMb: number;
  peakRssMb: number;
}

function statusKb(status: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return match ? Number(match[1]) : Number.NaN;
}

function sampleOne(pid: number): ProcSample | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; fields after the closing parenthesis are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return {
      cpuSeconds: (utime + stime) / clockTicks(),
      rssMb: statusKb(status, 'VmRSS') / 1024,
      peakRssMb: statusKb(status, 'VmHWM') / 1024,
    };
  } catch {
    return null;
  }
}

/** The process and every live descendant (LaunchGate with LAUNCHGATE_WORKERS > 1 is a supervisor and its workers). */
export function processTree(pid: number): number[] {
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) {
    let tasks: string[];
    try {
      tasks = fs.readdirSync(`/proc/${tree[i]!}/task`);
    } catch {
      continue;
    }
    for (const task of tasks) {
      try {
        const children = fs.readFileSync(`/proc/${tree[i]!}/task/${task}/children`, 'utf8').trim();
        if (children !== '') tree.push(...children.split(/\s+/).map(Number));
      } catch {
        // the task ended while we looked
      }
    }
  }
  return tree;
}

/**
 * A process with its descendants: CPU and RSS summed, and the peak as the sum of each one's peak
 * (an upper bound of the tree's peak). Null when the process is gone or /proc is not there.
 */
export function sampleProcess(pid: number): ProcSample | null {
  const root = sampleOne(pid);
  if (root === null) return null;
  const total = { ...root };
  for (const child of processTree(pid).slice(1)) {
    const sample = sampleOne(child);
    if (sample === null) continue;
    total.cpuSeconds += sample.cpuSeconds;
    total.rssMb += sample.rssMb;
    total.peakRssMb += sample.peakRssMb;
  }
  return total;
}

/** Resets VmHWM to the current RSS in the whole tree; false when the kernel does not allow it (the peak then spans the whole run). */
export function resetPeak(pid: number): boolean {
  try {
    for (const member of processTree(pid)) fs.writeFileSync(`/proc/${member}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

export interface PhaseCost {
  cpuSeconds: number;
  peakRssMb: number;
}

/** Measures a phase: CPU seconds spent and the peak RSS reached during it. */
export async function measure<T>(pid: number, work: () => Promise<T>): Promise<{ value: T; cost: PhaseCost | null }> {
  const resettable = resetPeak(pid);
  const before = sampleProcess(pid);
  const value = await work();
  const after = sampleProcess(pid);
  if (before === null || after === null) return { value, cost: null };
  return {
    value,
    cost: {
      cpuSeconds: after.cpuSeconds - before.cpuSeconds,
      peakRssMb: resettable ? after.peakRssMb : Math.max(before.peakRssMb, after.peakRssMb),
    },
  };
}

/** Busy CPU seconds of the whole machine so far (every process), from /proc/stat; NaN off Linux. */
export function machineBusySeconds(): number {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    const [, ...values] = line.trim().split(/\s+/);
    const n = values.map(Number);
    const total = n.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = (n[3] ?? 0) + (n[4] ?? 0);
    return (total - idle) / clockTicks();
  } catch {
    return Number.NaN;
  }
}

/**
 * Who used the machine's CPU during a run: the benchmark's own processes by name, and everything
 * else (other work on the machine skews the figures, so the report says how much there was).
 */
export class CpuLedger {
  private readonly start = new Map<string, number>();
  private readonly pids = new Map<string, number>();
  private readonly finals = new Map<string, number>();
  private readonly machineStart = machineBusySeconds();
  private readonly selfStart = process.cpuUsage();

  track(name: string, pid: number | undefined): void {
    if (pid === undefined) return;
    const sample = sampleProcess(pid);
    if (sample === null) return;
    this.pids.set(name, pid);
    this.start.set(name, sample.cpuSeconds);
  }

  /** Call just before stopping a tracked process: its CPU is read while it still exists. */
  settle(name: string): void {
    const pid = this.pids.get(name);
    const sample = pid !== undefined ? sampleProcess(pid) : null;
    if (sample !== null) this.finals.set(name, sample.cpuSeconds - this.start.get(name)!);
  }

  /** CPU seconds since tracking began, per process, plus `load generator` (this process) and `other processes`. */
  read(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, pid] of this.pids) {
      const sample = sampleProcess(pid);
      const used = sample !== null ? sample.cpuSeconds - this.start.get(name)! : this.finals.get(name);
      if (used !== undefined) out[name] = used;
    }
    const self = process.cpuUsage(this.selfStart);
    out['load generator'] = (self.user + self.system) / 1e6;
    const ours = Object.values(out).reduce((a, b) => a + b, 0);
    out['other processes'] = Math.max(0, machineBusySeconds() - this.machineStart - ours);
    return out;
  }
}
