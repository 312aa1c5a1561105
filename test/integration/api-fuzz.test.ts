import fc from 'fast-check';
import { z } from 'zod';
import { errorCodes } from '../../src/api/http-error';
import { routes } from '../../src/api/route-registry';
import { Harness, tokens } from '../support/berth-harness';
import { routeRequests, send, type FuzzAnswer, type FuzzRequest } from '../support/fuzz-requests';

const requestsPerRoute = 140;
const concurrency = 8;
const answerWithinMs = 2000;

/** The documented error body, exactly. */
const errorBody = z.strictObject({ error: z.strictObject({ code: z.enum(errorCodes), message: z.string().min(1), details: z.unknown().optional() }) });

describe('the API under generated requests', () => {
  const berth = new Harness({ name: 'fuzz' });
  let deployed: string;

  beforeAll(async () => {
    deployed = await berth.startServing('v1');
  });
  afterAll(() => berth.stop());

  it('answers every request in time, never with a 5xx, refuses with the error shape, and starts only what it accepted', async () => {
    const seed = Number(process.env.BERTH_FUZZ_SEED ?? Date.now() % 1_000_000);
    const known = [berth.project, 'staging', 'production', deployed, `${berth.project}-staging-0000000000000`, 'web'];
    const callers = [tokens.ops, tokens.ops, tokens.reader, tokens.ci, null, 'not-a-token'];
    // A few requests name the real environment, so some deploys are accepted (and must be the only ones started).
    const deployTarget = fc.option(fc.constant({ project: berth.project, environment: 'staging' }), { freq: 20, nil: {} }) as fc.Arbitrary<Record<string, unknown>>;
    const requests: FuzzRequest[] = routes.flatMap((route) =>
      fc.sample(routeRequests(route, known, callers, route.path === '/v1/deployments' ? deployTarget : undefined), { numRuns: requestsPerRoute, seed }),
    );
    const startedAt = new Date(Date.now() - 1000);
    const base = new URL(berth.apiUrl);
    const answers: Array<{ request: FuzzRequest; answer: FuzzAnswer | undefined }> = [];
    let next = 0;
    const began = Date.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < requests.length) {
          const request = requests[next++];
          answers.push({ request, answer: await send(request, base, answerWithinMs) });
        }
      }),
    );
    const byStatus = answers.reduce<Record<string, number>>((counts, { answer }) => ({ ...counts, [answer?.status ?? 'none']: (counts[answer?.status ?? 'none'] ?? 0) + 1 }), {});
    console.log(`api fuzz: ${answers.length} requests over ${routes.length} routes in ${Date.now() - began} ms (seed ${seed}); by status ${JSON.stringify(byStatus)}`);

    const problems: string[] = [];
    const accepted = new Set<string>();
    for (const { request, answer } of answers) {
      const what = `${request.method} ${request.path.slice(0, 120)} ${request.headers['content-type'] ?? ''} ${request.body?.slice(0, 80) ?? ''}`;
      if (!answer) problems.push(`unanswered within ${answerWithinMs} ms: ${what}`);
      else if (answer.status >= 500) problems.push(`${answer.status}: ${what} → ${answer.body.slice(0, 200)}`);
      else if (answer.status >= 400) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(answer.body);
        } catch {
          parsed = answer.body;
        }
        if (!errorBody.safeParse(parsed).success) problems.push(`${answer.status} without the error shape: ${what} → ${answer.body.slice(0, 200)}`);
      } else if (answer.status === 202) {
        const body = JSON.parse(answer.body) as { id: string };
        accepted.add(body.id);
      }
    }
    expect(problems.slice(0, 20)).toEqual([]);

    // Visibility catches up within a moment; anything started must be a deploy the API accepted, or its owner.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const started: string[] = [];
    for await (const execution of berth.client.workflow.list({ query: `TaskQueue = "berth-${berth.project}" AND StartTime > "${startedAt.toISOString()}"` })) {
      started.push(execution.workflowId);
    }
    const owner = `env.${berth.project}.staging`;
    expect(started.filter((id) => !accepted.has(id) && id !== owner)).toEqual([]);
    expect(await berth.request('GET', '/readyz', undefined, null)).toEqual({ status: 200, body: { status: 'ready' } });
  });
});
