/**
 * Redis behind Sentinel (issue 19, quality.md R9): the configuration (REDIS_SENTINELS + REDIS_MASTER_NAME → the
 * `redis-sentinel://` endpoint every client is made from), how createRedis opens it, and the errors of a Redis
 * that is switching masters mapped to 503 (never 500). The failover itself, on real Sentinels, is R9 in the fault
 * suite (bench/faults/r9-redis-failover.mjs).
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config';
import { isDependencyDown } from '../db/errors';
import { createRedis, parseSentinelUrl } from './client';

describe('Redis Sentinel configuration', () => {
  it('REDIS_SENTINELS + REDIS_MASTER_NAME become the sentinel endpoint of every client', () => {
    const c = loadConfig({ REDIS_SENTINELS: '10.0.0.1:26379, sentinel-b:26380,[::1]:26381', REDIS_MASTER_NAME: 'pt' });
    expect(c.redisSentinel).toEqual({
      sentinels: [
        { host: '10.0.0.1', port: 26379 },
        { host: 'sentinel-b', port: 26380 },
        { host: '::1', port: 26381 },
      ],
      masterName: 'pt',
    });
    expect(c.redisUrl).toBe('redis-sentinel://10.0.0.1:26379,sentinel-b:26380,[::1]:26381/pt');
    expect(parseSentinelUrl(c.redisUrl as string)).toEqual({ sentinels: c.redisSentinel?.sentinels, name: 'pt' });
  });

  it('the master name defaults to primetrade; without REDIS_SENTINELS nothing changes', () => {
    expect(loadConfig({ REDIS_SENTINELS: 's:26379' }).redisSentinel?.masterName).toBe('primetrade');
    const plain = loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379/0' });
    expect(plain.redisUrl).toBe('redis://127.0.0.1:6379/0');
    expect(plain.redisSentinel).toBeUndefined();
    expect(parseSentinelUrl('redis://127.0.0.1:6379/0')).toBeUndefined();
  });

  it('refuses a malformed list and REDIS_URL together with REDIS_SENTINELS', () => {
    expect(() => loadConfig({ REDIS_SENTINELS: 'no-port' })).toThrow(ConfigError);
    expect(() => loadConfig({ REDIS_SENTINELS: 'a:1,,b:2' })).toThrow(/REDIS_SENTINELS/);
    expect(() => loadConfig({ REDIS_SENTINELS: 'a:1', REDIS_MASTER_NAME: 'bad name' })).toThrow(/REDIS_MASTER_NAME/);
    expect(() => loadConfig({ REDIS_SENTINELS: 'a:1', REDIS_URL: 'redis://a:6379' })).toThrow(/not both/);
  });

  it('createRedis opens a sentinel endpoint in Sentinel mode (master role, the listed Sentinels)', () => {
    const r = createRedis({ url: 'redis-sentinel://127.0.0.1:1,127.0.0.1:2/pt' }, { lazyConnect: true });
    expect(r.options.sentinels).toEqual([
      { host: '127.0.0.1', port: 1 },
      { host: '127.0.0.1', port: 2 },
    ]);
    expect(r.options.name).toBe('pt');
    expect(r.options.role).toBe('master');
    expect(r.options.enableOfflineQueue).toBe(false);
    r.disconnect();
    const plain = createRedis({ url: 'redis://127.0.0.1:1/0' }, { lazyConnect: true });
    expect(plain.options.sentinels).toBeFalsy();
    plain.disconnect();
  });
});

describe('a Redis switching masters is "unavailable" (503 + Retry-After), not a bug (500)', () => {
  it.each([
    "Stream isn't writeable and enableOfflineQueue options is false",
    'Connection is closed.',
    'Command timed out',
    'Reached the max retries per request limit (which is 1). Refer to "maxRetriesPerRequest" option for details.',
    'All sentinels are unreachable. Retrying from scratch after 100ms.',
    "READONLY You can't write against a read only replica.",
    'LOADING Redis is loading the dataset in memory',
    'circuit open',
  ])('%s', (message) => {
    expect(isDependencyDown(new Error(message))).toBe(true);
    expect(isDependencyDown(new Error('wrapped', { cause: new Error(message) }))).toBe(true);
  });

  it('other errors stay 500s', () => {
    expect(isDependencyDown(new Error('ERR wrong number of arguments for command'))).toBe(false);
    expect(isDependencyDown(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(false);
  });
});
