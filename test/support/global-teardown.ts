import fs from 'node:fs';
import { createLogger } from '../../src/logger';
import { stopProductionWorld } from './production-world';
import { readWorld, worldStateFile } from './world';
import { forgetStarted, releaseWorldLock, stopStarted } from './world-lock';

/** Stops, by PID, only what global setup started (never a daemon it found running). */
export default async function globalTeardown(): Promise<void> {
  const logger = createLogger({ name: 'test-world' });
  await stopProductionWorld();
  if (!fs.existsSync(worldStateFile)) return releaseWorldLock();
  const world = readWorld();
  if (world.ownerPid !== process.pid) return;
  try {
    await stopStarted(world.started, logger);
  } finally {
    fs.rmSync(worldStateFile, { force: true });
    forgetStarted();
    releaseWorldLock();
  }
}
