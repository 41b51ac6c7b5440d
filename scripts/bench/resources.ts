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

/** Null when the process is gone or /proc is not there (not Linux). */
export function sampleProcess(pid: number): ProcSample | null {
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

/** Resets VmHWM to the current RSS; false when the kernel does not allow it (the peak then spans the whole run). */
export function resetPeak(pid: number): boolean {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
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
