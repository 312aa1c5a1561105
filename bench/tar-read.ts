/**
 * Prints what reading an image directory's archive costs now that it streams:
 * time and peak heap growth for an archive of many large files beside a few
 * small migration files, keeping only the migrations (as readImageDir does)
 * and keeping everything (as the buffering reader did).
 * Run: npx tsx bench/tar-read.ts [megabytes]
 */
import { pack } from 'tar-stream';
import { readTar } from '../src/docker/tar-reader';

const megabytes = Number(process.argv[2] ?? 64);

/** The archive as Docker sends it: chunks, produced as they are read, never whole in memory. */
async function* archive(): AsyncGenerator<Buffer> {
  const packed = pack();
  const filling = (async () => {
    for (let i = 0; i < 5; i += 1) packed.entry({ name: `migrations/00${i}_step.up.sql` }, `SELECT ${i};\n`);
    const block = Buffer.alloc(1024 * 1024, 7);
    for (let i = 0; i < megabytes; i += 1) {
      await new Promise<void>((resolve, reject) => packed.entry({ name: `migrations/assets/blob-${i}.bin` }, block, (error) => (error ? reject(error) : resolve())));
    }
    packed.finalize();
  })();
  for await (const chunk of packed) yield Buffer.from(chunk as Uint8Array);
  await filling;
}

async function measure(label: string, keep: (path: string) => boolean): Promise<void> {
  global.gc?.();
  const before = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers)), 5);
  const startedAt = process.hrtime.bigint();
  const entries = await readTar(archive(), keep);
  const ms = Number(process.hrtime.bigint() - startedAt) / 1e6;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers);
  const held = entries.reduce((sum, entry) => sum + entry.data.length, 0);
  console.log(`${label}: ${entries.length} entries, ${(held / 1e6).toFixed(1)} MB held, ${ms.toFixed(0)} ms, peak memory growth ${((peak - before) / 1e6).toFixed(1)} MB`);
}

void (async () => {
  console.log(`archive: 5 migration files and ${megabytes} files of 1 MB`);
  await measure('keep only migrations/*.sql (readImageDir)', (path) => path.endsWith('.sql'));
  await measure('keep every file (what buffering held)', () => true);
})();
