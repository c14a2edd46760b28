// Owns matching a request to a route: paths written as in OpenAPI (`/api/v1/connections/{name}`), the
// parameters decoded (a malformed escape is the client's error); a path that exists under another method is
// reported as such.
import { SluiceError } from '../../runtime/errors.js';

export interface Match<R> {
  route: R;
  params: Record<string, string>;
}

interface Compiled<R> {
  method: string;
  pattern: RegExp;
  names: string[];
  route: R;
}

export class Router<R extends { method: string; path: string }> {
  readonly #routes: Compiled<R>[];

  constructor(readonly routes: R[]) {
    this.#routes = routes.map((route) => {
      const names: string[] = [];
      const source = route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
        names.push(name);
        return '([^/]+)';
      });
      return { method: route.method, pattern: new RegExp(`^${source}/?$`), names, route };
    });
  }

  /** The route and its parameters; `methodMismatch` when only another method has this path. */
  match(method: string, path: string): Match<R> | 'methodMismatch' | undefined {
    let other = false;
    for (const compiled of this.#routes) {
      const found = compiled.pattern.exec(path);
      if (!found) continue;
      if (compiled.method !== method) {
        other = true;
        continue;
      }
      const params: Record<string, string> = {};
      compiled.names.forEach((name, index) => (params[name] = decodeParameter(found[index + 1]!, name)));
      return { route: compiled.route, params };
    }
    return other ? 'methodMismatch' : undefined;
  }
}

function decodeParameter(text: string, name: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new SluiceError('api.bad_request', `the path parameter ${name} is not a valid URI escape: ${text}`);
  }
}
