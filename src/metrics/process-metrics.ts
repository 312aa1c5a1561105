import { collectDefaultMetrics, Registry } from 'prom-client';

let processRegistry: Registry | undefined;

/** Node's own figures (heap, event loop lag, CPU, GC), which operators expect beside Berth's; one registry per process. */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/** The `/metrics` text: Berth's metrics of this scrape, then the process metrics. */
export function exposition(berth: Registry): Promise<string> {
  return Registry.merge([berth, processMetrics()]).metrics();
}
