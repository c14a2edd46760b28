// Owns reading a secret named on the command line by where it is, never by its value: `env:VAR` (an environment
// variable) or `file:PATH` (a file's content, trimmed). A value written on a command line is visible to every user of
// the machine (ps, /proc), so that form is refused.
import { readFileSync } from 'node:fs';

export type SecretSource =
  | { value: string }
  /** `named`: the problem is with the source given (prefix it with `what=SOURCE:`); else the form itself is wrong. */
  | { problem: string; named: boolean };

export function readSecretSource(source: string, env: NodeJS.ProcessEnv = process.env): SecretSource {
  if (source.startsWith('env:')) {
    const value = env[source.slice(4)];
    return value === undefined || value === '' ? { problem: `the environment variable ${source.slice(4)} is not set`, named: true } : { value };
  }
  if (source.startsWith('file:')) {
    try {
      return { value: readFileSync(source.slice(5), 'utf8').trim() };
    } catch (error) {
      return { problem: `cannot read the file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, named: true };
    }
  }
  return { problem: 'must be env:VAR or file:PATH (a value on the command line is visible to other users)', named: false };
}
