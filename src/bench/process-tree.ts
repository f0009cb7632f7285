import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * What a process and all its descendants use, from Linux's /proc: resident memory in bytes, and
 * CPU time (user and system, every thread) in milliseconds since each process started.
 */
export function treeUsage(rootPid: number): { rss: number; cpuMs: number } {
  const children = new Map<number, number[]>();
  const usage = new Map<number, { rss: number; cpuMs: number }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Fields from the state on (proc(5)): ppid is the 2nd, utime and stime the 12th and 13th,
      // rss (pages) the 22nd.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const pid = Number(name);
      const ppid = Number(fields[1]);
      usage.set(pid, {
        rss: Number(fields[21]) * 4096,
        cpuMs: ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks(),
      });
      children.set(ppid, [...(children.get(ppid) ?? []), pid]);
    } catch {
      // the process ended while we looked
    }
  }
  const total = { rss: 0, cpuMs: 0 };
  const stack = [rootPid];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    total.rss += usage.get(pid)?.rss ?? 0;
    total.cpuMs += usage.get(pid)?.cpuMs ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

/** Resident memory of a process and all its descendants, in bytes. */
export function treeRss(rootPid: number): number {
  return treeUsage(rootPid).rss;
}

let ticks: number | undefined;
/** The kernel's clock ticks per second, in which /proc counts CPU time. */
function clockTicks(): number {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

/**
 * Runs `work`, sampling `rootPid`'s tree every 50 ms: its result, the peak growth of resident
 * memory, and the CPU time the tree spent meanwhile.
 */
export async function withPeakRss<T>(
  rootPid: number,
  work: () => Promise<T>,
): Promise<{ result: T; peakGrowth: number; cpuMs: number }> {
  const start = treeUsage(rootPid);
  let peak = start.rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, treeRss(rootPid));
  }, 50);
  try {
    const result = await work();
    const end = treeUsage(rootPid);
    peak = Math.max(peak, end.rss);
    return { result, peakGrowth: peak - start.rss, cpuMs: end.cpuMs - start.cpuMs };
  } finally {
    clearInterval(timer);
  }
}
