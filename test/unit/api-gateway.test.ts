import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The API reaches Temporal through one gateway (`DeploymentService`), whose
 * client is private. Any other file under src/api that imports the Temporal
 * client or calls it directly goes around the gateway and fails here.
 */
const apiDir = path.resolve(__dirname, '..', '..', 'src', 'api');
const gateway = 'deployment-service.ts';

/** What only the gateway may write: the client package, the owner's raw client calls, the client's services. */
const aroundTheGateway: Array<[string, RegExp]> = [
  ['imports @temporalio/client', /from '@temporalio\/client'/],
  ['imports temporal/owner-client', /from '\.\.\/temporal\/owner-client'/],
  ['calls client.workflow', /\.workflow\./],
  ['calls workflowService', /\bworkflowService\b/],
  ['uses the client connection', /\.connection\./],
];

const sources = readdirSync(apiDir)
  .filter((file) => file.endsWith('.ts'))
  .map((file) => ({ file, text: readFileSync(path.join(apiDir, file), 'utf8') }));

describe('the API gateway', () => {
  it('is the only file in src/api that talks to the Temporal client', () => {
    const offences = sources.filter(({ file }) => file !== gateway).flatMap(({ file, text }) => aroundTheGateway.filter(([, pattern]) => pattern.test(text)).map(([what]) => `${file} ${what}`));
    expect(offences).toEqual([]);
  });

  it('holds the client privately and offers start, get, decide, cancel, owner, pause, list and history', () => {
    const text = sources.find(({ file }) => file === gateway)!.text;
    expect(text).toMatch(/from '@temporalio\/client'/);
    expect(text).toMatch(/private readonly client: Client/);
    for (const method of ['start', 'get', 'decide', 'cancel', 'owner', 'pause', 'list', 'history']) {
      expect(text).toMatch(new RegExp(`^  (async )?${method}\\(`, 'm'));
    }
  });
});
