import { Readable } from 'node:stream';
import { extract, type Header } from 'tar-stream';

/** One entry of a tar archive; `data` is empty for everything but the regular files kept. */
export interface TarEntry {
  path: string;
  type: 'file' | 'directory' | 'symlink' | 'other';
  data: Buffer;
  linkName?: string;
}

export class TarFormatError extends Error {}

const types: Partial<Record<Header['type'], TarEntry['type']>> = { file: 'file', 'contiguous-file': 'file', directory: 'directory', symlink: 'symlink' };

/**
 * The entries of a tar archive as the Docker archive API sends them (Go's
 * archive/tar: ustar headers, PAX records for long or non-ASCII names, GNU long
 * names from older writers), parsed by tar-stream as the archive streams in.
 * Only the regular files `keep` selects are held in memory; the rest drain.
 */
export async function readTar(archive: Buffer | AsyncIterable<Buffer>, keep: (path: string) => boolean = () => true): Promise<TarEntry[]> {
  const source = Buffer.isBuffer(archive) ? Readable.from([archive]) : Readable.from(archive);
  const parser = extract();
  let sourceError: unknown;
  source.on('error', (error) => {
    sourceError = error;
    parser.destroy(error);
  });
  source.pipe(parser);
  const entries: TarEntry[] = [];
  try {
    for await (const entry of parser) {
      const { name, type: headerType, linkname } = entry.header;
      const type = types[headerType ?? 'file'] ?? 'other';
      const held = type === 'file' && keep(name);
      const chunks: Buffer[] = [];
      for await (const chunk of entry) if (held) chunks.push(chunk as Buffer);
      entries.push({ path: name, type, data: held ? Buffer.concat(chunks) : Buffer.alloc(0), ...(type === 'symlink' && { linkName: linkname ?? '' }) });
    }
  } catch (error) {
    // What the source failed with (too large, the daemon went away) is not the archive's fault.
    if (sourceError !== undefined) throw sourceError;
    throw new TarFormatError(`not a readable tar archive: ${(error as Error).message}`);
  } finally {
    source.destroy();
  }
  return entries;
}
