/**
 * Where a thread's CPU went over the last `seconds` of a V8 CPU profile:
 * self time by function and by package, largest first. For the profiles
 * node writes with `--cpu-prof` (one per thread, workers included), e.g.
 * `BENCH_BERTH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" npx tsx bench/scale.ts 300`;
 * the idle window is the end of the run. Chrome DevTools reads the same files.
 *
 * Run: npx tsx bench/cpu-profile-top.ts <file.cpuprofile> [seconds=all] [skip the last seconds=0] [rows=25]
 */
import fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const [file, secondsArg, skipArg, rowsArg] = process.argv.slice(2);
if (!file) throw new Error('usage: npx tsx bench/cpu-profile-top.ts <file.cpuprofile> [seconds] [rows]');
const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
const rows = Number(rowsArg ?? 25);
// The window ends `skip` seconds before the profile does (a bench's own teardown) and spans `seconds` before that.
const to = profile.endTime - Number(skipArg ?? 0) * 1e6;
const from = secondsArg ? to - Number(secondsArg) * 1e6 : profile.startTime;
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));

const byFunction = new Map<string, number>();
const byPackage = new Map<string, number>();
const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);
let at = profile.startTime;
let total = 0;
let idle = 0;
profile.samples.forEach((id, i) => {
  // A sample's delta is the time since the previous one: the time it stands for.
  const delta = profile.timeDeltas[i] ?? 0;
  at += delta;
  if (at < from || at > to) return;
  const { functionName, url, lineNumber } = nodes.get(id)!.callFrame;
  if (functionName === '(idle)') {
    idle += delta;
    return;
  }
  total += delta;
  add(byFunction, `${functionName || '(anonymous)'} ${short(url)}:${lineNumber + 1}`, delta);
  add(byPackage, packageOf(url, functionName), delta);
});

function short(url: string): string {
  const inModules = url.lastIndexOf('node_modules/');
  return inModules >= 0 ? url.slice(inModules + 'node_modules/'.length) : url.replace(/^.*\/(src|dist)\//, '$1/');
}

function packageOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node built-ins';
  const match = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url.slice(url.lastIndexOf('node_modules/')));
  if (match) return match[1];
  return url.includes('/dist/') || url.includes('/src/') ? 'berth' : url;
}

const ms = (us: number) => `${(us / 1000).toFixed(0)} ms`;
const top = (map: Map<string, number>) =>
  [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, rows)
    .map(([key, us]) => `  ${ms(us).padStart(9)} ${((us / total) * 100).toFixed(1).padStart(5)}%  ${key}`)
    .join('\n');
console.log(`${file}: ${ms(total)} busy, ${ms(idle)} idle over ${((to - from) / 1e6).toFixed(0)} s`);
console.log(`by package:\n${top(byPackage)}`);
console.log(`by function (self time):\n${top(byFunction)}`);
