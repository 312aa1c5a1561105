import { withoutBerthAllocator } from '../../src/embedded/child-process';

const jemalloc = '/lib/x86_64-linux-gnu/libjemalloc.so.2';

describe("the environment of the daemons Berth starts", () => {
  it('leaves out the allocator scripts/start-berth.sh preloaded for Berth alone', () => {
    const env = { PATH: '/usr/bin', LD_PRELOAD: jemalloc, BERTH_PRELOADED: jemalloc, MALLOC_CONF: 'background_thread:true' };
    expect(withoutBerthAllocator(env)).toEqual({ PATH: '/usr/bin' });
  });

  it("keeps a preload of the user's own, and everything when Berth preloaded nothing", () => {
    const own = { PATH: '/usr/bin', LD_PRELOAD: '/opt/lib/libtcmalloc.so', BERTH_PRELOADED: jemalloc };
    expect(withoutBerthAllocator(own)).toBe(own);
    const plain = { PATH: '/usr/bin', MALLOC_ARENA_MAX: '2' };
    expect(withoutBerthAllocator(plain)).toBe(plain);
  });
});
