// Owns the answers to requests Fastify's router cannot place, in the API's own words: a path parameter with a
// malformed escape (`the path parameter name is not a valid URI escape: %E0%A4%A`), a path that exists under
// another method (400, `/api/v1/health does not accept POST`) and a path that exists under none (404). Fastify
// answers these itself without naming the parameter or the other method, so the route paths are matched here.
import { SluiceError } from '../../runtime/errors.js';

interface Pattern {
  method: string;
  regex: RegExp;
  names: string[];
}

export class UnroutedRequests {
  readonly #patterns: Pattern[];

  constructor(routes: ReadonlyArray<{ method: string; path: string }>) {
    this.#patterns = routes.map((route) => {
      const names: string[] = [];
      const source = route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
        names.push(name);
        return '([^/]+)';
      });
      return { method: route.method, regex: new RegExp(`^${source}/?$`), names };
    });
  }

  /** The error for a request no route took; `path` is the request's path as sent (not decoded). */
  errorFor(method: string, path: string): SluiceError {
    let otherMethod = false;
    for (const pattern of this.#patterns) {
      const found = pattern.regex.exec(path);
      if (!found) continue;
      if (pattern.method !== method) {
        otherMethod = true;
        continue;
      }
      for (const [index, name] of pattern.names.entries()) {
        const text = found[index + 1]!;
        if (!decodes(text)) return new SluiceError('api.bad_request', `the path parameter ${name} is not a valid URI escape: ${text}`);
      }
    }
    if (otherMethod) return new SluiceError('api.bad_request', `${path} does not accept ${method}`, { hint: 'see /api/v1/openapi.json' });
    return new SluiceError('api.not_found', `no route ${method} ${path}`, { hint: 'see /api/v1/openapi.json' });
  }
}

function decodes(text: string): boolean {
  try {
    decodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}
