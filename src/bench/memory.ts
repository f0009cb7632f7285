import { readdirSync, readFileSync } from 'node:fs';

/** Resident memory of a process and all its descendants, in bytes (Linux /proc). */
export function treeRss(rootPid: number): number {
  const children = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const pid = Number(name);
      const ppid = Number(fields[1]);
      rss.set(pid, Number(fields[21]) * 4096);
      children.set(ppid, [...(children.get(ppid) ?? []), pid]);
    } catch {
      // the process ended while we looked
    }
  }
  let total = 0;
  const stack = [rootPid];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    total += rss.get(pid) ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

/** Samples `rootPid`'s tree every 50 ms while `work` runs; returns its result and the peak growth. */
export async function withPeakRss<T>(
  rootPid: number,
  work: () => Promise<T>,
): Promise<{ result: T; peakGrowth: number }> {
  const base = treeRss(rootPid);
  let peak = base;
  const timer = setInterval(() => {
    peak = Math.max(peak, treeRss(rootPid));
  }, 50);
  try {
    const result = await work();
    peak = Math.max(peak, treeRss(rootPid));
    return { result, peakGrowth: peak - base };
  } finally {
    clearInterval(timer);
  }
}
