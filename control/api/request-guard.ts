// Owns what a request must look like before any route sees it, whatever the HTTP framework: a Host header this
// server answers to (so a DNS-rebinding page cannot reach it under a foreign name), an Origin of that same host
// when a browser sends one (so a page of another site cannot act on it), and, for requests that change state, a
// JSON content type (so no cross-site form or text/plain POST, which browsers send without a preflight, is
// accepted). It takes the method, path and headers and returns a verdict; it never reads the body.
import { isIP } from 'node:net';
import { SluiceError } from '../../runtime/errors.js';

export interface GuardOptions {
  /** The address or name the server listens on (`--host`). */
  listenHost: string;
  /** More host names clients may use (`--allowed-host`), e.g. a DNS name of this machine. */
  allowedHosts: readonly string[];
}

export interface GuardedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
}

/** undefined when the request may go on; otherwise the error to answer with. */
export type Verdict = SluiceError | undefined;

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'];
const WILDCARDS = ['0.0.0.0', '::', ''];
const SAFE_METHODS = ['GET', 'HEAD', 'OPTIONS'];
/** Media types a body of each kind of request may have; apply also takes YAML. */
const JSON_TYPES = ['application/json'];
const APPLY_TYPES = ['application/json', 'application/yaml', 'application/x-yaml'];

export function guardRequest(request: GuardedRequest, options: GuardOptions): Verdict {
  return checkHost(request, options) ?? checkOrigin(request, options) ?? checkContentType(request);
}

/** The media type a state-changing request declares, checked; GET and friends carry no body. */
export function acceptedMediaType(path: string): readonly string[] {
  return path.endsWith('/apply') ? APPLY_TYPES : JSON_TYPES;
}

function checkHost(request: GuardedRequest, options: GuardOptions): Verdict {
  const header = single(request.headers['host']);
  if (header === undefined || header === '') return new SluiceError('api.forbidden', 'the request has no Host header');
  const host = hostnameOf(header);
  if (host === undefined || !isAllowedHost(host, options)) {
    return new SluiceError('api.forbidden', `Host ${header} is not a name this server answers to`, {
      hint: 'use localhost, the address it listens on, or start it with --allowed-host NAME',
    });
  }
  return undefined;
}

function checkOrigin(request: GuardedRequest, options: GuardOptions): Verdict {
  const origin = single(request.headers['origin']);
  if (origin === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = origin === 'null' ? undefined : new URL(origin);
  } catch {
    url = undefined;
  }
  const host = single(request.headers['host'])?.toLowerCase();
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.host.toLowerCase() !== host || !isAllowedHost(hostnameOf(url.host) ?? '', options)) {
    return new SluiceError('api.forbidden', `requests from origin ${origin} are not accepted`, { hint: 'the API answers pages of its own origin only' });
  }
  return undefined;
}

function checkContentType(request: GuardedRequest): Verdict {
  if (SAFE_METHODS.includes(request.method)) return undefined;
  const header = single(request.headers['content-type']);
  const accepted = acceptedMediaType(request.path);
  if (header === undefined) {
    if (!hasBody(request.headers)) return undefined;
    return new SluiceError('api.unsupported_media_type', `${request.method} ${request.path} needs a content-type header: ${accepted.join(' or ')}`);
  }
  const type = header.split(';')[0]!.trim().toLowerCase();
  if (accepted.includes(type)) return undefined;
  return new SluiceError('api.unsupported_media_type', `${request.method} ${request.path} accepts ${accepted.join(' or ')}, not ${type || 'an empty content-type'}`);
}

function hasBody(headers: GuardedRequest['headers']): boolean {
  const length = single(headers['content-length']);
  return headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function isAllowedHost(host: string, options: GuardOptions): boolean {
  const name = host.toLowerCase();
  if (LOOPBACK_NAMES.includes(name) || name.startsWith('127.')) return true;
  if (options.allowedHosts.some((allowed) => allowed.toLowerCase() === name)) return true;
  const listen = options.listenHost.replace(/^\[|\]$/g, '').toLowerCase();
  if (name === listen) return true;
  // An address typed by hand cannot be a rebinding attack: only names resolve anew. A wildcard listener answers
  // on every address of the machine, so any address is its own.
  return WILDCARDS.includes(listen) && isIP(name) !== 0;
}

/** The host name of a Host header or URL host (`[::1]:8080` → `::1`), or undefined when malformed. */
function hostnameOf(header: string): string | undefined {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s/]+))(?::(\d{1,5}))?$/.exec(header.trim());
  if (!match) return undefined;
  return match[1] ?? match[2];
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
