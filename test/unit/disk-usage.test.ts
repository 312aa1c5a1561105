import type Dockerode from 'dockerode';
import { berthDiskUsage } from '../../src/docker/disk-usage';

const container = (id: string, imageId: string, sizeRw: number, managed: boolean) =>
  ({ Id: id, ImageID: imageId, SizeRw: sizeRw, Labels: managed ? { 'berth.managed': 'true' } : {} }) as unknown as Dockerode.ContainerInfo & { SizeRw: number };
const image = (id: string, size: number) => ({ Id: id, Size: size }) as Dockerode.ImageInfo;

describe('berthDiskUsage', () => {
  it('counts the images Berth containers use and their writable layers, nothing of others', () => {
    const usage = berthDiskUsage(
      [container('c1', 'sha256:a', 100, true), container('c2', 'sha256:a', 50, true), container('c3', 'sha256:b', 7, true), container('x', 'sha256:c', 999, false)],
      [image('sha256:a', 1000), image('sha256:b', 2000), image('sha256:c', 4000), image('sha256:d', 8000)],
    );
    expect(usage).toEqual({ images: { count: 2, bytes: 3000 }, containers: { count: 3, bytes: 157 } });
  });
});
