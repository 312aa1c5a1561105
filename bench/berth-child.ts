import fs from 'node:fs';
import path from 'node:path';
import { BerthProcess, buildDist } from '../test/support/berth-process';
import { freeLoopbackPort } from '../test/support/free-port';
import type { Harness } from '../test/support/berth-harness';
import { statOf } from './cpu-split';

/** RSS of a process in bytes, from /proc (VmRSS). */
export function rssOf(pid: number): number {
  const line = fs.readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((entry) => entry.startsWith('VmRSS:'))!;
  return Number(line.split(/\s+/)[1]) * 1024;
}

/** CPU seconds a process has used (utime + stime from /proc, in clock ticks of 10 ms). */
export function cpuSecondsOf(pid: number): number {
  return statOf(`/proc/${pid}/stat`).own;
}

/**
 * Berth as `npm start` runs it, scripts/start-berth.sh (worker and API in one
 * process), with the harness's configuration, so what it costs is measured
 * apart from the benchmark driving it. The harness's requests go to its API
 * from then on; the harness itself must run no workers. To try a setting or
 * profile it: BENCH_BERTH_ENV (a JSON object) adds to its environment, and
 * BENCH_BERTH_NODE_ARGS to node's arguments (`--cpu-prof --cpu-prof-dir=/tmp/p`).
 */
export async function startBerthChild(berth: Harness): Promise<BerthProcess> {
  buildDist();
  const dir = path.join(__dirname, '..', '.berth', 'bench');
  fs.mkdirSync(dir, { recursive: true });
  const port = await freeLoopbackPort();
  const configFile = path.join(dir, `${berth.project}.yaml`);
  // JSON is YAML.
  // BENCH_BERTH_CONFIG (a JSON object) overrides top-level sections, e.g. {"temporal":{"maxCachedWorkflows":50}}.
  const overrides = JSON.parse(process.env.BENCH_BERTH_CONFIG ?? '{}') as Record<string, object>;
  const sections = Object.fromEntries(Object.entries(overrides).map(([key, value]) => [key, { ...(berth.rawConfig[key] as object), ...value }]));
  fs.writeFileSync(configFile, JSON.stringify({ ...berth.rawConfig, ...sections, api: { ...(berth.rawConfig.api as object), listen: `127.0.0.1:${port}` } }, null, 2));
  // Through scripts/start-berth.sh, as `npm start` runs it (jemalloc); BENCH_BERTH_ENV adds to its environment ({"BERTH_ALLOCATOR":"glibc"}).
  const env = JSON.parse(process.env.BENCH_BERTH_ENV ?? '{}') as NodeJS.ProcessEnv;
  const nodeArgs = process.env.BENCH_BERTH_NODE_ARGS?.split(' ').filter(Boolean);
  const child = await new BerthProcess('all', { configFile, logFile: path.join(dir, `${berth.project}.log`), env, nodeArgs, startScript: true }).start();
  berth.apiUrl = `http://127.0.0.1:${port}`;
  return child;
}

/** Where the child's memory sits, from its own /metrics (prom-client's process metrics): V8 heap used and total, and external. */
export async function heapOf(berth: Harness): Promise<string> {
  const response = await fetch(`${berth.apiUrl}/metrics`, { headers: { authorization: `Bearer ${process.env.BERTH_TEST_TOKEN_OPS}` } });
  const text = await response.text();
  const value = (name: string) => Number(text.split('\n').find((line) => line.startsWith(`${name} `))?.split(' ')[1]);
  const mb = (name: string) => `${Math.round(value(name) / 2 ** 20)} MB`;
  return `V8 heap used ${mb('nodejs_heap_size_used_bytes')} of ${mb('nodejs_heap_size_total_bytes')}, external ${mb('nodejs_external_memory_bytes')} (the main thread; the workflow thread's isolate and the Rust core are the rest of the RSS)`;
}

/** CPU seconds per thread name of a process (from /proc/<pid>/task: the main thread is "node", the workflow thread "node" too, Rust's runtime "tokio-runtime-w"). */
export function cpuByThread(pid: number): Map<string, number> {
  const byName = new Map<string, number>();
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = statOf(`/proc/${pid}/task/${tid}/stat`);
      const name = tid === String(pid) ? 'main' : stat.command;
      byName.set(name, (byName.get(name) ?? 0) + stat.own);
    } catch {
      // The thread ended meanwhile.
    }
  }
  return byName;
}

/** `name 1.2 s, ...`: the CPU each thread name spent since `before`, largest first. */
export function threadSplit(before: Map<string, number>, after: Map<string, number>): string {
  return [...after]
    .map(([name, seconds]) => [name, seconds - (before.get(name) ?? 0)] as const)
    .filter(([, seconds]) => seconds >= 0.05)
    .sort((a, b) => b[1] - a[1])
    .map(([name, seconds]) => `${name} ${seconds.toFixed(1)} s`)
    .join(', ');
}

/**
 * Where a process's RSS sits, from /proc/<pid>/smaps: glibc's main heap, the other anonymous
 * mappings (V8's pages, malloc's other arenas, thread stacks), and the files mapped in.
 */
export function rssMap(pid: number): string {
  const totals = new Map<string, number>();
  let current = '';
  for (const line of fs.readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const header = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (header) current = header[1] ? (header[1].startsWith('/') ? path.basename(header[1]) : header[1]) : 'anonymous';
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) totals.set(current, (totals.get(current) ?? 0) + Number(rss[1]));
  }
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .filter(([, kb]) => kb >= 1024)
    .map(([name, kb]) => `${name} ${Math.round(kb / 1024)} MB`)
    .join(', ');
}
