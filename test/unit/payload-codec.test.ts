import { defaultPayloadConverter } from '@temporalio/common';
import { AesGcmCodec, UnknownKeyError } from '../../src/codec/aes-gcm-codec';
import { parseKey, payloadCodecFor } from '../../src/codec/data-converter';
import { ConfigError, parseConfig } from '../../src/config/load-config';

const k1 = Buffer.alloc(32, 1);
const k2 = Buffer.alloc(32, 2);
const text = (bytes?: Uint8Array) => Buffer.from(bytes ?? []).toString('utf8');

describe('the AES-256-GCM payload codec', () => {
  const value = { comment: 'ship it', env: { LOG_LEVEL: 'very-visible-value' } };
  const plain = defaultPayloadConverter.toPayload(value)!;

  it('seals the whole payload with the current key and names the key in its metadata', async () => {
    const [sealed] = await new AesGcmCodec(new Map([['k1', k1]]), 'k1').encode([plain]);
    expect(Object.fromEntries(Object.entries(sealed.metadata!).map(([key, bytes]) => [key, text(bytes)]))).toEqual({ encoding: 'binary/encrypted', 'encryption-key-id': 'k1' });
    expect(Buffer.from(sealed.data!).includes('very-visible-value')).toBe(false);
    expect(Buffer.from(sealed.data!).includes('json/plain')).toBe(false);
  });

  it('after a rotation seals with the new key and still opens what the old one sealed', async () => {
    const before = new AesGcmCodec(new Map([['k1', k1]]), 'k1');
    const after = new AesGcmCodec(new Map([['k1', k1], ['k2', k2]]), 'k2');
    const [old] = await before.encode([plain]);
    const [fresh] = await after.encode([plain]);
    expect(text(fresh.metadata!['encryption-key-id'])).toBe('k2');
    for (const sealed of [old, fresh]) expect(defaultPayloadConverter.fromPayload((await after.decode([sealed]))[0])).toEqual(value);
    await expect(before.decode([fresh])).rejects.toThrow(new UnknownKeyError('payload was encrypted with key "k2", which is not configured'));
  });

  it('passes unencrypted payloads through, and refuses a payload relabelled with another key id', async () => {
    const codec = new AesGcmCodec(new Map([['k1', k1], ['k2', k2]]), 'k1');
    expect(await codec.decode([plain])).toEqual([plain]);
    const [sealed] = await codec.encode([plain]);
    const relabelled = { ...sealed, metadata: { ...sealed.metadata, 'encryption-key-id': new TextEncoder().encode('k2') } };
    await expect(codec.decode([relabelled])).rejects.toThrow(/unable to authenticate/);
  });

  it('reads keys from secret references, as 64 hex digits or base64, and names a bad one by path', () => {
    expect(parseKey(k1.toString('hex'))).toEqual(k1);
    expect(parseKey(k2.toString('base64'))).toEqual(k2);
    expect(parseKey('short')).toBeUndefined();
    const config = (keys: Record<string, string>, current: string) =>
      parseConfig({
        temporal: { encryption: { keys, current } },
        api: { tokens: [{ name: 'ci', secret: 'env:T', scopes: ['deploy'] }] },
        hosts: { local: {} },
        projects: {},
      });
    expect(payloadCodecFor(config({ k1: 'env:K1' }, 'k1'), { K1: k1.toString('hex') })).toBeInstanceOf(AesGcmCodec);
    expect(() => payloadCodecFor(config({ k1: 'env:K1', k2: 'env:K2' }, 'k1'), { K1: 'not-a-key' })).toThrow(
      new ConfigError('configuration', ['temporal/encryption/keys/k1: should be 32 bytes as 64 hex digits or base64', 'temporal/encryption/keys/k2: secret env:K2 is not set']),
    );
    expect(() => config({ k1: 'env:K1' }, 'k3')).toThrow(new ConfigError('configuration', ['temporal/encryption/current: should name one of the keys: k1']));
    expect(payloadCodecFor(config({ k1: 'env:K1' }, 'k1'), { K1: k1.toString('hex') }) && payloadCodecFor({ ...config({ k1: 'env:K1' }, 'k1'), temporal: undefined })).toBeUndefined();
  });
});
