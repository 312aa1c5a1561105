import { ChecksumDriftError, MigrationFilesError } from '../../src/db/errors';
import { checksumOf, parseMigrationFiles, planMigrations, type AppliedMigration } from '../../src/db/migration-files';

const create = 'CREATE TABLE widgets (id serial PRIMARY KEY);\n';
const color = 'ALTER TABLE widgets ADD COLUMN color text;\n';

const files = {
  '001_create_widgets.up.sql': create,
  '001_create_widgets.down.sql': 'DROP TABLE widgets;\n',
  '002_add_color.up.sql': color,
  '002_add_color.down.sql': 'ALTER TABLE widgets DROP COLUMN color;\n',
  '010_seed.up.sql': "INSERT INTO widgets DEFAULT VALUES;\n",
  'README.md': 'not a migration',
};

function problemsOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

describe('parseMigrationFiles', () => {
  it('pairs ups and downs, orders by version numerically and checksums the up', () => {
    expect(parseMigrationFiles(files)).toEqual([
      { version: 1, name: '001_create_widgets', up: create, down: 'DROP TABLE widgets;\n', checksum: checksumOf(create) },
      { version: 2, name: '002_add_color', up: color, down: 'ALTER TABLE widgets DROP COLUMN color;\n', checksum: checksumOf(color) },
      { version: 10, name: '010_seed', up: 'INSERT INTO widgets DEFAULT VALUES;\n', checksum: checksumOf('INSERT INTO widgets DEFAULT VALUES;\n') },
    ]);
  });

  it('checksums are the sha256 of the up file, hex', () => {
    expect(checksumOf('SELECT 1')).toBe('e004ebd5b5532a4b85984a62f8ad48a81aa3460c1ca07701f386135d72cdecf5');
  });

  it('reads Buffers as the image archive gives them', () => {
    expect(parseMigrationFiles({ '1_a.up.sql': Buffer.from('SELECT 1') })).toEqual([{ version: 1, name: '1_a', up: 'SELECT 1', checksum: checksumOf('SELECT 1') }]);
  });

  it('refuses misnamed .sql files, reused versions and downs without ups, listing every problem', () => {
    const message = problemsOf(() =>
      parseMigrationFiles({
        '001-create.up.sql': create,
        '002_a.up.sql': color,
        '002_b.up.sql': color,
        '003_gone.down.sql': 'SELECT 1',
        'notes.txt': 'ignored',
      }),
    );
    expect(message).toBe(
      [
        'the migration files cannot be applied:',
        '  001-create.up.sql: should be named NNN_name.up.sql or NNN_name.down.sql',
        '  002_b.up.sql: version 2 is also used by 002_a',
        '  003_gone.down.sql: has no 003_gone.up.sql',
      ].join('\n'),
    );
    expect(() => parseMigrationFiles({ 'x.sql': '' })).toThrow(MigrationFilesError);
  });
});

describe('planMigrations', () => {
  const parsed = parseMigrationFiles(files);
  const applied = (version: number, name: string, content: string, deploymentId = 'web-staging-1'): AppliedMigration => ({
    version,
    name,
    checksum: checksumOf(content),
    deploymentId,
  });

  it('returns the migrations not yet applied, in order', () => {
    expect(planMigrations(parsed, [applied(1, '001_create_widgets', create)], { requireDowns: false }).map((m) => m.name)).toEqual(['002_add_color', '010_seed']);
    expect(planMigrations(parsed, [], { requireDowns: false }).map((m) => m.name)).toEqual(['001_create_widgets', '002_add_color', '010_seed']);
  });

  it('refuses an applied file whose content or name changed', () => {
    const drifted = [applied(1, '001_create_widgets', 'CREATE TABLE widgets (id int);\n'), applied(2, '002_add_colour', color)];
    const error = (() => {
      try {
        planMigrations(parsed, drifted, { requireDowns: false });
      } catch (caught) {
        return caught as Error;
      }
      throw new Error('expected drift');
    })();
    expect(error).toBeInstanceOf(ChecksumDriftError);
    expect(error.message).toBe(
      [
        'applied migrations changed since they were applied; write a new migration instead:',
        `  001_create_widgets.up.sql changed after it was applied (checksum ${checksumOf('CREATE TABLE widgets (id int);\n').slice(0, 12)} applied, ${checksumOf(create).slice(0, 12)} in the image)`,
        '  version 2 was applied as 002_add_colour; the image names it 002_add_color',
      ].join('\n'),
    );
  });

  it('refuses a pending migration older than an applied one', () => {
    const message = problemsOf(() => planMigrations(parsed, [applied(1, '001_create_widgets', create), applied(10, '010_seed', 'INSERT INTO widgets DEFAULT VALUES;\n')], { requireDowns: false }));
    expect(message).toBe('the migration files cannot be applied:\n  002_add_color: older than applied version 10; out-of-order migrations are refused');
  });

  it('with rollback: on-failure, refuses a pending migration without a down', () => {
    const message = problemsOf(() => planMigrations(parsed, [applied(1, '001_create_widgets', create)], { requireDowns: true }));
    expect(message).toBe('the migration files cannot be applied:\n  010_seed: has no 010_seed.down.sql, which rollback: on-failure needs (or set rollback: never)');
  });

  it('ignores applied versions the image no longer has (a newer release migrated further)', () => {
    expect(planMigrations(parsed.slice(0, 1), [applied(1, '001_create_widgets', create), applied(2, '002_add_color', color)], { requireDowns: true })).toEqual([]);
  });
});
