// @ts-nocheck
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { allowedHostsForBind, createHostCheck } from './host-check.js';

const request = (host: string | undefined) => ({ headers: host === undefined ? {} : { host } }) as IncomingMessage;

function refuses(check: ((req: IncomingMessage) => void) | undefined, host: string | undefined): boolean {
  try {
    check?.(request(host));
    return false;
  } catch (err) {
    expect((err as { code: string }).code).toBe('HOST_NOT_ALLOWED');
    return true;
  }
}

describe('host check', () => {
  it('is on for loopback binds, off elsewhere unless names are configured, off with *', () => {
    expect(allowedHostsForBind('127.0.0.1', undefined)).toEqual([]);
    expect(allowedHostsForBind('::1', undefined)).toEqual([]);
    expect(allowedHostsForBind('localhost', undefined)).toEqual([]);
    expect(allowedHostsForBind('0.0.0.0', undefined)).toBeUndefined();
    expect(allowedHostsForBind('0.0.0.0', ['hub.example'])).toEqual(['hub.example']);
    expect(allowedHostsForBind('127.0.0.1', ['*'])).toBeUndefined();
  });

  it('accepts loopback names and configured names on any port, case-insensitively', () => {
    const check = createHostCheck(['hub.example']);
    for (const host of [
      'localhost',
      'localhost:8080',
      '127.0.0.1:1',
      '[::1]',
      '[::1]:8080',
      'Hub.Example:443',
      undefined,
    ]) {
      expect(refuses(check, host), String(host)).toBe(false);
    }
    for (const host of [
      'evil.example',
      'localhost.evil.example',
      '127.0.0.1.nip.io',
      'hub.example.evil',
      '[::2]:80',
      '',
    ]) {
      expect(refuses(check, host), host).toBe(true);
    }
  });

  it('checks nothing when no list is given (embedders) or the list has *', () => {
    expect(createHostCheck(undefined)).toBeUndefined();
    expect(createHostCheck(['*'])).toBeUndefined();
  });
});
