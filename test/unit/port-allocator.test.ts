import net from 'node:net';
import { PortAllocator, isBindable, pickFreePort } from '../../src/docker/port-allocator';

describe('pickFreePort', () => {
  it('picks the lowest unused port of the range', () => {
    expect(pickFreePort({ from: 21000, to: 21005 }, new Set())).toBe(21000);
    expect(pickFreePort({ from: 21000, to: 21005 }, new Set([21000, 21001, 21003]))).toBe(21002);
    expect(pickFreePort({ from: 21005, to: 21005 }, new Set([21000]))).toBe(21005);
  });

  it('returns undefined when the range is full or empty', () => {
    expect(pickFreePort({ from: 21000, to: 21002 }, new Set([21000, 21001, 21002]))).toBeUndefined();
    expect(pickFreePort({ from: 21002, to: 21000 }, new Set())).toBeUndefined();
  });
});

describe('PortAllocator', () => {
  const range = { from: 21000, to: 21009 };
  const alwaysBindable = async () => true;

  it('skips ports used by containers', async () => {
    const ports = new PortAllocator({ isBindable: alwaysBindable });
    await expect(ports.allocate(range, [21000, 21001])).resolves.toBe(21002);
  });

  it('never hands out the same port twice to concurrent deploys', async () => {
    const ports = new PortAllocator({ isBindable: alwaysBindable });
    const allocated = await Promise.all([ports.allocate(range, []), ports.allocate(range, []), ports.allocate(range, [])]);
    expect(allocated).toEqual([21000, 21001, 21002]);
  });

  it('releases a reservation after the reserve window', async () => {
    let now = 0;
    const ports = new PortAllocator({ isBindable: alwaysBindable, reserveMs: 60_000, now: () => now });
    expect(await ports.allocate(range, [])).toBe(21000);
    now = 59_999;
    expect(await ports.allocate(range, [])).toBe(21001);
    now = 60_000;
    expect(await ports.allocate(range, [])).toBe(21000);
  });

  it('skips ports another process holds', async () => {
    const ports = new PortAllocator({ isBindable: async (port) => port !== 21000 });
    await expect(ports.allocate(range, [])).resolves.toBe(21001);
  });

  it('fails when the range is exhausted, and keeps serving later requests', async () => {
    const ports = new PortAllocator({ isBindable: alwaysBindable });
    await expect(ports.allocate({ from: 21000, to: 21001 }, [21000, 21001])).rejects.toThrow('no free port in 21000-21001');
    await expect(ports.allocate({ from: 21000, to: 21002 }, [21000, 21001])).resolves.toBe(21002);
  });
});

describe('isBindable', () => {
  it('tells a port held on 127.0.0.1 from a free one', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1' }, resolve));
    const held = (server.address() as net.AddressInfo).port;
    try {
      expect(await isBindable(held)).toBe(false);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await isBindable(held)).toBe(true);
  });
});
