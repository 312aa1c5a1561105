import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';

/** The metadata an encrypted payload carries: what it is and which key sealed it. */
export const encryptedEncoding = 'binary/encrypted';
export const keyIdMetadata = 'encryption-key-id';

const utf8 = new TextEncoder();
const text = new TextDecoder();

export class UnknownKeyError extends Error {}

/** The original payload as bytes: metadata and data, each base64, in JSON. */
function serialize(payload: Payload): Buffer {
  const metadata = Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value).toString('base64')]));
  return Buffer.from(JSON.stringify({ metadata, data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64') }));
}

function deserialize(bytes: Buffer): Payload {
  const parsed = JSON.parse(bytes.toString('utf8')) as { metadata: Record<string, string>; data: string };
  const metadata = Object.fromEntries(Object.entries(parsed.metadata).map(([key, value]) => [key, new Uint8Array(Buffer.from(value, 'base64'))]));
  return { metadata, data: new Uint8Array(Buffer.from(parsed.data, 'base64')) };
}

/**
 * AES-256-GCM over each whole payload (metadata included, so even the type of
 * a value is hidden). Seals with the current key; opens with any key listed,
 * so histories written before a rotation stay readable. The key id is bound
 * as additional authenticated data: relabelling a payload breaks it.
 */
export class AesGcmCodec implements PayloadCodec {
  constructor(
    private readonly keys: ReadonlyMap<string, Buffer>,
    private readonly currentKeyId: string,
  ) {
    if (!keys.has(currentKeyId)) throw new UnknownKeyError(`the current key "${currentKeyId}" is not among the keys`);
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const key = this.keys.get(this.currentKeyId)!;
    return payloads.map((payload) => {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(this.currentKeyId));
      const sealed = Buffer.concat([iv, cipher.update(serialize(payload)), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { encoding: utf8.encode(encryptedEncoding), [keyIdMetadata]: utf8.encode(this.currentKeyId) },
        data: new Uint8Array(sealed),
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = payload.metadata?.encoding && text.decode(payload.metadata.encoding);
      if (encoding !== encryptedEncoding) return payload;
      const keyId = text.decode(payload.metadata?.[keyIdMetadata] ?? new Uint8Array());
      const key = this.keys.get(keyId);
      if (!key) throw new UnknownKeyError(`payload was encrypted with key "${keyId}", which is not configured`);
      const sealed = Buffer.from(payload.data ?? new Uint8Array());
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12)).setAAD(Buffer.from(keyId));
      decipher.setAuthTag(sealed.subarray(sealed.length - 16));
      return deserialize(Buffer.concat([decipher.update(sealed.subarray(12, sealed.length - 16)), decipher.final()]));
    });
  }
}
