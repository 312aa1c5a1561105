import fs from 'node:fs';
import path from 'node:path';

/**
 * The upstream responder's truth: one small JSON file per route name in a
 * directory, so two routes switching at once (even from two processes)
 * never overwrite each other's entry. Written with tmp + rename, so a
 * reader sees the old file or the new one, never half of one.
 */
export interface UpstreamStateFile {
  name: string;
  upstreams: string[];
}

function fileOf(stateDir: string, name: string): string {
  // Names are DNS names ([a-z0-9_.-]); the trailing dot is dropped so file names stay plain.
  return path.join(stateDir, `${name.toLowerCase().replace(/\.$/, '').replace(/[^a-z0-9_.-]/g, '_')}.json`);
}

export function readUpstreams(stateDir: string, name: string): string[] | undefined {
  let text: string;
  try {
    text = fs.readFileSync(fileOf(stateDir, name), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const parsed = JSON.parse(text) as Partial<UpstreamStateFile>;
  return Array.isArray(parsed.upstreams) && parsed.upstreams.every((upstream) => typeof upstream === 'string') ? parsed.upstreams : undefined;
}

export function writeUpstreams(stateDir: string, name: string, upstreams: string[]): void {
  fs.mkdirSync(stateDir, { recursive: true });
  const file = fileOf(stateDir, name);
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  const body: UpstreamStateFile = { name, upstreams };
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, `${JSON.stringify(body)}\n`);
    // A crash right after the switch must not leave a renamed but empty file.
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

export function removeUpstreams(stateDir: string, name: string): void {
  fs.rmSync(fileOf(stateDir, name), { force: true });
}
