import fs from 'node:fs';
import os from 'node:os';

/** A /proc stat line's command name and its CPU seconds: own (utime + stime) and with reaped children's (cutime + cstime). */
export function statOf(statPath: string): { command: string; own: number; withChildren: number } {
  const stat = fs.readFileSync(statPath, 'utf8');
  // Fields counted after the command name, which may hold spaces: utime, stime, cutime, cstime are 14-17.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
  const own = (fields[11] + fields[12]) / 100;
  return { command: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), own, withChildren: own + (fields[13] + fields[14]) / 100 };
}

/**
 * CPU seconds per command name over every process now alive (own time plus
 * reaped children's, so runc counts under its parent); a process in `named`
 * counts under its name instead. Kernel workers are left out: their names
 * change with the work queue they serve.
 */
export function cpuByCommand(named: Record<string, number> = {}): Map<string, number> {
  const names = new Map(Object.entries(named).map(([name, pid]) => [String(pid), name]));
  const byCommand = new Map<string, number>();
  for (const pid of fs.readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    let stat: ReturnType<typeof statOf>;
    try {
      stat = statOf(`/proc/${pid}/stat`);
    } catch {
      continue; // It ended between the listing and the read.
    }
    const command = names.get(pid) ?? stat.command;
    if (command.startsWith('kworker')) continue;
    byCommand.set(command, (byCommand.get(command) ?? 0) + stat.withChildren);
  }
  return byCommand;
}

/** Busy CPU seconds of the whole machine so far (all cores; idle and iowait left out). */
export function machineBusySeconds(): number {
  const [, ...values] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const [user, nice, system, , , irq, softirq, steal] = values.map(Number);
  return (user + nice + system + irq + softirq + steal) / 100;
}

/** `what` and the CPU seconds each command (or process in `named`) spent while it ran, largest first, with the machine's busy total. */
export async function cpuSplitOf<T>(named: Record<string, number>, what: () => Promise<T>, top = 6): Promise<{ result: T; line: string }> {
  const before = cpuByCommand(named);
  const busyBefore = machineBusySeconds();
  const startedAt = Date.now();
  const result = await what();
  const wallS = (Date.now() - startedAt) / 1000;
  const busy = machineBusySeconds() - busyBefore;
  const spent = [...cpuByCommand(named)]
    .map(([command, seconds]) => [command, seconds - (before.get(command) ?? 0)] as const)
    .filter(([, seconds]) => seconds > 0.05)
    .sort((a, b) => b[1] - a[1])
    .slice(0, top);
  const line = `CPU over ${wallS.toFixed(1)} s: machine busy ${busy.toFixed(1)} s of ${(wallS * os.availableParallelism()).toFixed(1)} s on ${os.availableParallelism()} cores; by command ${spent.map(([command, seconds]) => `${command} ${seconds.toFixed(1)} s`).join(', ')}`;
  return { result, line };
}
