import { createServer, type Server } from 'node:http';

export interface ReceivedHook {
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json: Record<string, unknown>;
}

/** A local webhook receiver that records what it is sent; `failWith` makes it answer an error. */
export class WebhookReceiver {
  readonly received: ReceivedHook[] = [];
  failWith: number | undefined;
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        this.received.push({ headers: req.headers, body, json: JSON.parse(body || '{}') });
        res.statusCode = this.failWith ?? 204;
        res.end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address() as { port: number };
    return `http://127.0.0.1:${address.port}/hook`;
  }

  eventsFor(deploymentId: string): string[] {
    return this.received.filter((hook) => hook.json.deploymentId === deploymentId).map((hook) => String(hook.json.event));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
