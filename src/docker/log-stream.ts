/**
 * Pure: turns the body of `GET /containers/{id}/logs` into text. Without a
 * TTY Docker multiplexes stdout and stderr into frames of an 8-byte header
 * (stream type, three zero bytes, big-endian length) and a payload; with a
 * TTY the body is the raw output. Frames keep their order, so stdout and
 * stderr stay interleaved as the process wrote them.
 */
export function demultiplexLogs(body: Buffer): string {
  if (!isMultiplexed(body)) return body.toString('utf8');
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= body.length) {
    const length = body.readUInt32BE(offset + 4);
    parts.push(body.subarray(offset + 8, offset + 8 + length));
    offset += 8 + length;
  }
  return Buffer.concat(parts).toString('utf8');
}

function isMultiplexed(body: Buffer): boolean {
  return body.length >= 8 && body[0] <= 2 && body[1] === 0 && body[2] === 0 && body[3] === 0;
}
