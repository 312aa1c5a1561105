import type { DataConverter } from '@temporalio/common';
import { ConfigError } from '../config/load-config';
import type { BerthConfig } from '../config/schema';
import { resolveSecret, SecretError } from '../config/secrets';
import { AesGcmCodec } from './aes-gcm-codec';

/** A key is 32 bytes, written as 64 hex digits or as base64 (`openssl rand -base64 32`). */
export function parseKey(text: string): Buffer | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  const bytes = Buffer.from(text, 'base64');
  return /^[A-Za-z0-9+/]{43}=$/.test(text) && bytes.length === 32 ? bytes : undefined;
}

/** The configured codec, keys resolved from their references; undefined without `temporal.encryption`. */
export function payloadCodecFor(config: BerthConfig, env: NodeJS.ProcessEnv = process.env): AesGcmCodec | undefined {
  const encryption = config.temporal?.encryption;
  if (!encryption) return undefined;
  const keys = new Map<string, Buffer>();
  const problems: string[] = [];
  for (const [id, ref] of Object.entries(encryption.keys)) {
    try {
      const key = parseKey(resolveSecret(ref, env));
      if (key) keys.set(id, key);
      else problems.push(`temporal/encryption/keys/${id}: should be 32 bytes as 64 hex digits or base64`);
    } catch (error) {
      problems.push(`temporal/encryption/keys/${id}: ${(error as SecretError).message}`);
    }
  }
  if (problems.length > 0) throw new ConfigError('configuration', problems);
  return new AesGcmCodec(keys, encryption.current);
}

/**
 * What every Berth client and worker is given: the default converters, then
 * the codec when configured; failures' messages are encoded with it too.
 */
export function dataConverterFor(config: BerthConfig, env: NodeJS.ProcessEnv = process.env): DataConverter | undefined {
  const codec = payloadCodecFor(config, env);
  return codec ? { payloadCodecs: [codec], failureConverterPath: require.resolve('./failure-converter') } : undefined;
}
