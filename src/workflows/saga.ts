import { CancellationScope } from '@temporalio/workflow';
import { failureMessage } from './step-log';

interface Undo {
  what: string;
  run: () => Promise<void>;
}

/**
 * The compensation list: each step that changes the world registers its undo
 * before it acts, at the front, so undos run newest first. Every undo is
 * idempotent, so registering before acting is safe when the step never ran.
 */
export class Saga {
  private undos: Undo[] = [];

  register(what: string, run: () => Promise<void>): void {
    this.undos.unshift({ what, run });
  }

  /** Forgets the undos: what was done now stands. */
  commit(): void {
    this.undos = [];
  }

  /**
   * Runs every undo, shielded from cancellation so a cancelled deploy still
   * cleans up. Returns the undos that failed even after their retries.
   */
  async compensate(): Promise<string[]> {
    const undos = this.undos;
    this.undos = [];
    return CancellationScope.nonCancellable(async () => {
      const failed: string[] = [];
      for (const undo of undos) {
        try {
          await undo.run();
        } catch (error) {
          failed.push(`${undo.what}: ${failureMessage(error)}`);
        }
      }
      return failed;
    });
  }
}
