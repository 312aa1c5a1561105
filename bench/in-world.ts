import globalSetup from '../test/support/global-setup';
import globalTeardown from '../test/support/global-teardown';
import { Harness, type HarnessOptions } from '../test/support/berth-harness';

/**
 * Runs a benchmark against the integration test world: starts the world and
 * a Berth harness, and stops both whatever happens; a failure sets the exit code.
 */
export function runInWorld(options: HarnessOptions | (() => HarnessOptions), body: (berth: Harness) => Promise<void>): void {
  const run = async () => {
    await globalSetup();
    // A function: options that need the world (its registry address) are read once it runs.
    const berth = new Harness(typeof options === 'function' ? options() : options);
    try {
      await berth.start();
      await body(berth);
    } finally {
      await berth.stop();
      await globalTeardown();
    }
  };
  run().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
