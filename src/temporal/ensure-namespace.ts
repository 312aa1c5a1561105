import { isGrpcServiceError, type Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { PermanentError } from '../model/errors';
import { berthSearchAttributes } from '../model/search-attributes';
import { missingSearchAttributes } from './search-attribute-plan';

/** The one call made on the process's logger (pino's shape). */
interface StartupLog {
  info(fields: Record<string, unknown>, message: string): void;
}

/** gRPC status codes the start-up handles explicitly. */
const grpcStatus = { notFound: 5, alreadyExists: 6, unavailable: 14 } as const;

const codeOf = (error: unknown) => (isGrpcServiceError(error) ? error.code : undefined);

/** A new namespace keeps closed workflows this long, long enough to look back at a deploy. */
const retention = '30 days';

/**
 * Makes the namespace usable by Berth on any cluster, a fresh one included:
 * registers the namespace when it is missing and adds Berth's search
 * attributes the namespace lacks. Idempotent, and safe when a worker and an
 * API start at the same moment: whichever adds an attribute first wins, the
 * other finds it there. Needs operator rights on the cluster.
 */
export async function ensureNamespace(connection: Connection, namespace: string, log: StartupLog): Promise<void> {
  try {
    await connection.workflowService.describeNamespace({ namespace });
  } catch (error) {
    if (codeOf(error) !== grpcStatus.notFound) throw error;
    try {
      await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs(retention) });
      log.info({ namespace }, 'registered the Temporal namespace');
    } catch (registerError) {
      if (codeOf(registerError) !== grpcStatus.alreadyExists) throw registerError;
    }
  }
  // A namespace just registered reaches the frontend's cache within seconds (until then "not found"),
  // and a Berth process starting beside this one may be adding the same attributes (a race the server
  // answers with "unavailable"): list again and add what is still missing, for a bounded time.
  const transient: Array<number | undefined> = [grpcStatus.notFound, grpcStatus.alreadyExists, grpcStatus.unavailable];
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      return await addMissingSearchAttributes(connection, namespace, log);
    } catch (error) {
      if (error instanceof PermanentError || !transient.includes(codeOf(error)) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

async function addMissingSearchAttributes(connection: Connection, namespace: string, log: StartupLog): Promise<void> {
  const listed = await connection.operatorService.listSearchAttributes({ namespace });
  const existing = Object.fromEntries(Object.entries(listed.customAttributes ?? {}).map(([name, type]) => [name, Number(type)]));
  const missing = missingSearchAttributes(existing, berthSearchAttributes, namespace);
  if (Object.keys(missing).length === 0) return;
  // ALREADY_EXISTS means another Berth process added some meanwhile: the retry lists again and adds the rest.
  await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
  log.info({ namespace, added: Object.keys(missing) }, 'registered search attributes');
}
