import { createHash } from 'node:crypto';
import { dnsSafe, previewName } from '../../src/config/preview-name';
import { collision } from '../../src/workflows/preview-state';

const template = 'stage-{stage}-{project}-{tag}';
const name = (tag: string) => previewName(template, { stage: 'preview', project: 'web', tag });

describe('preview instance names', () => {
  it('turns dots, slashes and underscores into one dash each run, lowercase', () => {
    expect(name('feature/Login_v1.2')).toBe('stage-preview-web-feature-login-v1-2');
    expect(name('a..b//c__d')).toBe('stage-preview-web-a-b-c-d');
    expect(name('UPPER-Case')).toBe('stage-preview-web-upper-case');
  });

  it('drops accents and turns other unicode into a dash', () => {
    expect(name('café-crème')).toBe('stage-preview-web-cafe-creme');
    expect(name('fix-🚀-launch')).toBe('stage-preview-web-fix-launch');
    expect(dnsSafe('日本')).toBe('');
  });

  it('keeps leading digits, and strips leading and trailing dashes', () => {
    expect(dnsSafe('123-hotfix')).toBe('123-hotfix');
    expect(dnsSafe('--feature--x--')).toBe('feature-x');
    expect(previewName('{tag}', { stage: 's', project: 'p', tag: '-/v1/-' })).toBe('v1');
    expect(previewName('stage-{stage}-{project}', { stage: 'preview', project: 'web' })).toBe('stage-preview-web');
  });

  it('cuts a name longer than 63 characters and ends it in a hash of the full tag', () => {
    const long = `feature/${'x'.repeat(80)}`;
    const hash = createHash('sha256').update(long).digest('hex').slice(0, 6);
    expect(name(long)).toBe(`stage-preview-web-feature-${'x'.repeat(30)}-${hash}`);
    expect(name(long)).toHaveLength(63);
    // Two long tags that differ only past the cut still get two names.
    expect(name(`${long}-a`)).not.toBe(name(`${long}-b`));
    expect(name(`${long}-a`).slice(0, 56)).toBe(name(`${long}-b`).slice(0, 56));
  });

  it('gives a name exactly 63 characters long as it is', () => {
    const tag = 'y'.repeat(63 - 'stage-preview-web-'.length);
    expect(name(tag)).toBe(`stage-preview-web-${tag}`);
  });

  it('finds the tag that already holds a name another tag sanitises to', () => {
    expect(name('feature/login')).toBe(name('Feature_Login'));
    const held = [{ tag: 'feature/login', instance: name('feature/login') }] as Parameters<typeof collision>[0];
    expect(collision(held, 'Feature_Login', name('Feature_Login'))).toBe('feature/login');
    expect(collision(held, 'feature/login', name('feature/login'))).toBeUndefined();
    expect(collision(held, 'other', name('other'))).toBeUndefined();
  });
});
