// The request guard on its own (Fastify calls it from the first onRequest hook): which Host, Origin and content type a request
// may carry, for loopback, named and wildcard listeners.
import { describe, expect, it } from 'vitest';
import { guardRequest, type GuardOptions } from '../../control/api/request-guard.js';

const loopback: GuardOptions = { listenHost: '127.0.0.1', allowedHosts: [] };
const verdict = (headers: Record<string, string>, options = loopback, method = 'GET', path = '/api/v1/sources') =>
  guardRequest({ method, path, headers }, options)?.code ?? 'ok';

describe('the request guard', () => {
  it('accepts the loopback names and the listen address, with or without a port', () => {
    for (const host of ['localhost', 'LOCALHOST:8080', '127.0.0.1:8080', '[::1]:8080', '[::1]']) expect([host, verdict({ host })]).toEqual([host, 'ok']);
    expect(verdict({ host: '10.1.2.3:8080' }, { listenHost: '10.1.2.3', allowedHosts: [] })).toBe('ok');
  });

  it('refuses other names (DNS rebinding), malformed hosts and a missing Host', () => {
    for (const host of ['evil.example:8080', 'localhost.evil.example', '10.1.2.3:8080', 'local host', '[::1', '']) expect([host, verdict({ host })]).toEqual([host, 'api.forbidden']);
    expect(verdict({})).toBe('api.forbidden');
  });

  it('accepts --allowed-host names, and any address (never a name) on a wildcard listener', () => {
    expect(verdict({ host: 'sluice.internal:8080' }, { listenHost: '127.0.0.1', allowedHosts: ['Sluice.Internal'] })).toBe('ok');
    const wildcard = { listenHost: '0.0.0.0', allowedHosts: [] };
    expect(verdict({ host: '10.1.2.3:8080' }, wildcard)).toBe('ok');
    expect(verdict({ host: '[fe80::1]:8080' }, wildcard)).toBe('ok');
    expect(verdict({ host: 'myhost:8080' }, wildcard)).toBe('api.forbidden');
  });

  it('accepts an Origin of the same host and port only', () => {
    expect(verdict({ host: 'localhost:8080', origin: 'http://localhost:8080' })).toBe('ok');
    for (const origin of ['http://localhost:3000', 'http://evil.example', 'null', 'file://', 'not a url', 'ftp://localhost:8080']) {
      expect([origin, verdict({ host: 'localhost:8080', origin })]).toEqual([origin, 'api.forbidden']);
    }
  });

  it('lets writes through with JSON only (YAML too for apply), and with no content type only when there is no body', () => {
    const write = (headers: Record<string, string>, path = '/api/v1/sources', method = 'POST') => verdict({ host: 'localhost', ...headers }, loopback, method, path);
    expect(write({ 'content-type': 'application/json; charset=utf-8', 'content-length': '2' })).toBe('ok');
    expect(write({ 'content-type': 'application/yaml', 'content-length': '2' }, '/api/v1/apply')).toBe('ok');
    expect(write({ 'content-type': 'application/yaml', 'content-length': '2' })).toBe('api.unsupported_media_type');
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'TEXT/PLAIN', '']) {
      for (const method of ['POST', 'PATCH', 'DELETE']) expect([type, method, write({ 'content-type': type, 'content-length': '2' }, '/api/v1/apply', method)]).toEqual([type, method, 'api.unsupported_media_type']);
    }
    expect(write({})).toBe('ok');
    expect(write({ 'content-length': '0' })).toBe('ok');
    expect(write({ 'content-length': '5' })).toBe('api.unsupported_media_type');
    expect(write({ 'transfer-encoding': 'chunked' })).toBe('api.unsupported_media_type');
    expect(verdict({ host: 'localhost', 'content-type': 'text/plain' })).toBe('ok');
  });
});
