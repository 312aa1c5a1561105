/** One entry of a tar archive; `data` is empty for everything but regular files. */
export interface TarEntry {
  path: string;
  type: 'file' | 'directory' | 'symlink' | 'other';
  data: Buffer;
  linkName?: string;
}

const block = 512;

export class TarFormatError extends Error {}

function text(header: Buffer, offset: number, length: number): string {
  const field = header.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? length : end).toString('utf8');
}

function octal(header: Buffer, offset: number, length: number, what: string): number {
  if (header[offset] & 0x80) throw new TarFormatError(`${what}: base-256 numbers (entries over 8 GiB) are not supported`);
  const digits = text(header, offset, length).trim();
  const value = digits === '' ? 0 : parseInt(digits, 8);
  if (!Number.isFinite(value)) throw new TarFormatError(`${what}: "${digits}" is not an octal number`);
  return value;
}

/** The header checksum: the sum of its bytes with the checksum field read as spaces. */
function checksumMatches(header: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < block; i += 1) sum += i >= 148 && i < 156 ? 0x20 : header[i];
  return sum === octal(header, 148, 8, 'checksum');
}

/** PAX extended headers: records of `<length> <key>=<value>\n`. */
function paxRecords(data: Buffer): Record<string, string> {
  const records: Record<string, string> = {};
  let offset = 0;
  while (offset < data.length) {
    const space = data.indexOf(0x20, offset);
    const length = Number(data.subarray(offset, space).toString('ascii'));
    if (space === -1 || !Number.isInteger(length) || length <= 0) throw new TarFormatError('malformed PAX header');
    const record = data.subarray(space + 1, offset + length - 1).toString('utf8');
    const equals = record.indexOf('=');
    records[record.slice(0, equals)] = record.slice(equals + 1);
    offset += length;
  }
  return records;
}

const types: Record<string, TarEntry['type']> = { '0': 'file', '\0': 'file', '7': 'file', '5': 'directory', '2': 'symlink' };

/**
 * Pure: the entries of a ustar archive, as the Docker archive API sends them
 * (Go's archive/tar: ustar headers, PAX records for long or non-ASCII names,
 * GNU long names from older writers).
 */
export function readTar(archive: Buffer): TarEntry[] {
  const entries: TarEntry[] = [];
  let offset = 0;
  let pax: Record<string, string> = {};
  let longName: string | undefined;
  let longLink: string | undefined;
  while (offset + block <= archive.length) {
    const header = archive.subarray(offset, offset + block);
    if (header.every((byte) => byte === 0)) break;
    if (!checksumMatches(header)) throw new TarFormatError(`bad header checksum at byte ${offset}`);
    const size = octal(header, 124, 12, 'size');
    const flag = String.fromCharCode(header[156]);
    const dataStart = offset + block;
    if (dataStart + size > archive.length) throw new TarFormatError(`entry at byte ${offset} is cut short`);
    const data = archive.subarray(dataStart, dataStart + size);
    offset = dataStart + Math.ceil(size / block) * block;

    if (flag === 'x') {
      pax = paxRecords(data);
      continue;
    }
    if (flag === 'g') continue;
    if (flag === 'L' || flag === 'K') {
      const value = data.toString('utf8').replace(/\0+$/, '');
      if (flag === 'L') longName = value;
      else longLink = value;
      continue;
    }
    const prefix = header.subarray(257, 262).toString('ascii') === 'ustar' ? text(header, 345, 155) : '';
    const name = text(header, 0, 100);
    const path = pax.path ?? longName ?? (prefix ? `${prefix}/${name}` : name);
    const linkName = pax.linkpath ?? longLink ?? text(header, 157, 100);
    const type = types[flag] ?? 'other';
    entries.push({ path, type, data: type === 'file' ? Buffer.from(data) : Buffer.alloc(0), ...(type === 'symlink' && { linkName }) });
    pax = {};
    longName = undefined;
    longLink = undefined;
  }
  return entries;
}
