import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileFaults } from '../../src/activities/faults';
import { PermanentError } from '../../src/model/errors';
import { berthSearchAttributes } from '../../src/model/search-attributes';
import { missingSearchAttributes } from '../../src/temporal/search-attribute-plan';

describe('missingSearchAttributes', () => {
  it('asks for every attribute on a fresh namespace, as Keyword (2)', () => {
    expect(missingSearchAttributes({}, berthSearchAttributes, 'default')).toEqual({
      BerthProject: 2,
      BerthEnvironment: 2,
      BerthStatus: 2,
      BerthImage: 2,
      BerthCommit: 2,
    });
  });

  it('asks only for what is missing, and for nothing once all are there', () => {
    expect(missingSearchAttributes({ BerthProject: 2, BerthStatus: 2, Other: 1 }, berthSearchAttributes, 'default')).toEqual({
      BerthEnvironment: 2,
      BerthImage: 2,
      BerthCommit: 2,
    });
    const all = { BerthProject: 2, BerthEnvironment: 2, BerthStatus: 2, BerthImage: 2, BerthCommit: 2 };
    expect(missingSearchAttributes(all, berthSearchAttributes, 'default')).toEqual({});
  });

  it('refuses an attribute registered with another type, naming it and the fix', () => {
    const call = () => missingSearchAttributes({ BerthProject: 1 }, berthSearchAttributes, 'teams');
    expect(call).toThrow(PermanentError);
    expect(call).toThrow(
      'namespace teams: BerthProject is registered with type Text, Berth needs Keyword; remove the attribute (temporal operator search-attribute remove) and restart Berth',
    );
  });
});

describe('FileFaults', () => {
  it('reads the plan for its host at each step, so a test can change it while the worker runs', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'berth-faults-')), 'faults.json');
    const faults = new FileFaults(file, 'east');
    await expect(faults.before('pull')).resolves.toBeUndefined();
    fs.writeFileSync(file, JSON.stringify({ east: { pull: { kind: 'before' } }, west: { start: { kind: 'before' } } }));
    await expect(faults.before('pull')).rejects.toThrow('injected fault at pull, before acting');
    await expect(faults.before('start')).resolves.toBeUndefined();
    fs.writeFileSync(file, '{}');
    await expect(faults.before('pull')).resolves.toBeUndefined();
  });
});
