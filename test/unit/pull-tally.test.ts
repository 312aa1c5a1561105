import { PullTally } from '../../src/docker/pull-tally';

describe('PullTally', () => {
  it('says a few lines as the bytes of all layers arrive, then a summary', () => {
    const tally = new PullTally();
    const events = [
      { status: 'Pulling from fixture/web', layer: 'v1' },
      { status: 'Already exists', layer: 'base' },
      { status: 'Pulling fs layer', layer: 'a' },
      { status: 'Pulling fs layer', layer: 'b' },
      { status: 'Downloading', layer: 'a', current: 10_000_000, total: 80_000_000 },
      { status: 'Downloading', layer: 'b', current: 5_000_000, total: 40_000_000 },
      { status: 'Downloading', layer: 'a', current: 45_000_000, total: 80_000_000 },
      { status: 'Downloading', layer: 'a', current: 46_000_000, total: 80_000_000 },
      { status: 'Download complete', layer: 'a' },
      { status: 'Downloading', layer: 'b', current: 35_000_000, total: 40_000_000 },
      { status: 'Download complete', layer: 'b' },
      { status: 'Pull complete', layer: 'b' },
      { status: 'Digest: sha256:abc' },
    ];
    const lines = events.map((event) => tally.update(event)).filter(Boolean);

    expect(lines).toEqual(['pulled 50 MB of 120 MB', 'pulled 85 MB of 120 MB', 'pulled 115 MB of 120 MB']);
    expect(tally.summary()).toBe('pulled 120 MB of 120 MB (2 layers, 1 already on the host)');
  });

  it('says when the host already had the image', () => {
    const tally = new PullTally();
    expect(tally.update({ status: 'Already exists', layer: 'base' })).toBeUndefined();
    expect(tally.summary()).toBe('image layers already on the host (1)');
    expect(new PullTally().summary()).toBe('image already on the host');
  });

  it('writes small images with one decimal', () => {
    const tally = new PullTally();
    tally.update({ status: 'Downloading', layer: 'a', current: 300_000, total: 1_200_000 });
    expect(tally.update({ status: 'Downloading', layer: 'a', current: 700_000, total: 1_200_000 })).toBe('pulled 0.7 MB of 1.2 MB');
    tally.update({ status: 'Download complete', layer: 'a' });
    expect(tally.summary()).toBe('pulled 1.2 MB of 1.2 MB (1 layer)');
  });
});
