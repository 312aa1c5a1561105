import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The demo web app's files (its start script and its variants), from src/ and from dist/ alike. */
export const demoDir = path.resolve(__dirname, '..', '..', 'demo', 'web');
/** Debian's busybox-static: one static binary, so the image needs no libc. */
export const busyboxPath = '/bin/busybox';
/** Bump when the way the image is assembled changes (not its files: those are hashed). */
const recipeVersion = 'fixture-web/1';

/** Hash of everything that ends up in the demo images: changes when any of it does. */
export function demoHash(): string {
  const hash = createHash('sha256').update(recipeVersion);
  for (const name of fs.readdirSync(demoDir).sort()) {
    hash.update(`\0${name}\0`).update(fs.readFileSync(path.join(demoDir, name)));
  }
  return hash.update('\0busybox\0').update(fs.readFileSync(busyboxPath)).digest('hex');
}

/**
 * Writes a rootfs tarball: busybox with a symlink per applet in /bin, the app's
 * start script in /app, an empty /www for httpd. Owners and times are fixed so the
 * same files always give the same layer digest.
 */
export async function buildDemoRootfs(outFile: string): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-demo-rootfs-'));
  try {
    for (const dir of ['bin', 'app', 'www', 'etc', 'tmp']) fs.mkdirSync(path.join(root, dir));
    fs.chmodSync(path.join(root, 'tmp'), 0o1777);
    // The app writes its pages at start, also when a project runs it as another `user`.
    fs.chmodSync(path.join(root, 'www'), 0o1777);
    fs.copyFileSync(busyboxPath, path.join(root, 'bin', 'busybox'));
    fs.chmodSync(path.join(root, 'bin', 'busybox'), 0o755);
    const { stdout } = await run(busyboxPath, ['--list']);
    for (const applet of stdout.split('\n').filter((name) => name && name !== 'busybox')) {
      fs.symlinkSync('busybox', path.join(root, 'bin', applet));
    }
    fs.copyFileSync(path.join(demoDir, 'start'), path.join(root, 'app', 'start'));
    fs.chmodSync(path.join(root, 'app', 'start'), 0o755);
    await run('tar', ['--owner=0', '--group=0', '--numeric-owner', '--sort=name', '--mtime=@0', '-C', root, '-cf', outFile, '.']);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
