/**
 * What a V8 heap snapshot holds, by constructor: the 25 largest by summed
 * self size, with their counts. For the snapshots `bench/scale.ts` asks
 * Berth for (BENCH_HEAP_SNAPSHOT); Chrome DevTools reads the same files.
 *
 * Run: npx tsx bench/heap-top.ts Heap-<...>.heapsnapshot
 */
import fs from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

const file = process.argv[2];
if (!file) throw new Error('usage: npx tsx bench/heap-top.ts <file.heapsnapshot>');
const { snapshot, nodes, strings } = JSON.parse(fs.readFileSync(file, 'utf8')) as Snapshot;
const fields = snapshot.meta.node_fields;
const [types] = snapshot.meta.node_types;
const width = fields.length;
const at = { type: fields.indexOf('type'), name: fields.indexOf('name'), size: fields.indexOf('self_size') };

const byName = new Map<string, { size: number; count: number }>();
let total = 0;
for (let i = 0; i < nodes.length; i += width) {
  const type = types[nodes[i + at.type]];
  // Objects by constructor; strings, code and the like by their type.
  const name = type === 'object' || type === 'closure' ? `${type} ${strings[nodes[i + at.name]]}` : `(${type})`;
  const size = nodes[i + at.size];
  total += size;
  const entry = byName.get(name) ?? { size: 0, count: 0 };
  entry.size += size;
  entry.count += 1;
  byName.set(name, entry);
}
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
console.log(`${file}: ${mb(total)} MB in ${nodes.length / width} objects`);
for (const [name, { size, count }] of [...byName].sort((a, b) => b[1].size - a[1].size).slice(0, 25)) {
  console.log(`${mb(size).padStart(7)} MB ${String(count).padStart(8)}  ${name.slice(0, 100)}`);
}
