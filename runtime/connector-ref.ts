// Owns turning what a user types to name a connector into a launcher:
//   source-faker                 a built-in connector, by name
//   ./my-source.py, /opt/x/run   a path to an executable
//   "python3 my_source.py --v"   a command with arguments (the first word on PATH or a path)
//   docker:acme/source-x:1.2     a Docker image on the engine DOCKER_HOST points at
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { builtinCommand, builtinConnectors, findBuiltinConnector } from './launchers/builtin-connectors.js';
import { SluiceError } from './errors.js';
import type { Launcher } from './launchers/launcher.js';
import { ProcessLauncher } from './launchers/process-launcher.js';

export interface DockerOptions {
  memoryBytes?: number;
  nanoCpus?: number;
  networkMode?: string;
  pull?: boolean;
}

export interface ResolveOptions {
  docker?: DockerOptions;
  /** Where relative paths are resolved from; defaults to the working directory. */
  cwd?: string;
}

export const DOCKER_PREFIX = 'docker:';

export async function resolveConnector(reference: string, options: ResolveOptions = {}): Promise<Launcher> {
  const trimmed = reference.trim();
  if (trimmed === '') throw new SluiceError('connector.not_found', 'the connector reference is empty');
  if (trimmed.startsWith(DOCKER_PREFIX)) {
    const image = trimmed.slice(DOCKER_PREFIX.length);
    if (image === '') throw new SluiceError('connector.not_found', `connector ${trimmed} names no image`);
    // Loaded only when used, so that process-only users never load the Docker client.
    const { DockerLauncher } = await import('./launchers/docker-launcher.js');
    return new DockerLauncher({ image, ...options.docker });
  }
  const builtin = findBuiltinConnector(trimmed);
  if (builtin) {
    const [file, ...args] = builtinCommand(builtin) as [string, ...string[]];
    return new ProcessLauncher({ file, args }, builtin.name);
  }
  const [first, ...args] = splitCommand(trimmed);
  const file = locateExecutable(first!, trimmed, options.cwd ?? process.cwd());
  return new ProcessLauncher({ file, args }, trimmed);
}

/** Finds the executable a command names, with a clear error when there is none. */
function locateExecutable(word: string, reference: string, cwd: string): string {
  if (word.includes('/')) {
    const path = isAbsolute(word) ? word : resolve(cwd, word);
    checkExecutable(path, reference);
    return path;
  }
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, word);
    if (isExecutableFile(candidate)) return candidate;
  }
  const names = builtinConnectors.map((connector) => connector.name).join(', ');
  throw new SluiceError('connector.not_found', `connector ${reference}: "${word}" is not a built-in connector, a path or a command on PATH`, {
    hint: `built-in connectors: ${names}; a path needs a slash, e.g. ./${word}`,
  });
}

function checkExecutable(path: string, reference: string): void {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch {
    throw new SluiceError('connector.not_found', `connector ${reference}: ${path} does not exist`);
  }
  if (!isFile) throw new SluiceError('connector.not_executable', `connector ${reference}: ${path} is not a file`);
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new SluiceError('connector.not_executable', `connector ${reference}: ${path} is not executable`, {
      hint: `chmod +x ${path}, or name its interpreter first, e.g. "python3 ${path}"`,
    });
  }
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Splits a command line into words, honouring single and double quotes and backslash escapes. */
export function splitCommand(command: string): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < command.length; i++) {
    const char = command[i]!;
    if (quote) {
      if (char === quote) quote = undefined;
      else if (char === '\\' && quote === '"' && i + 1 < command.length) current += command[++i];
      else current += char;
    } else if (char === '"' || char === "'") {
      quote = char;
      inWord = true;
    } else if (char === '\\' && i + 1 < command.length) {
      current += command[++i];
      inWord = true;
    } else if (/\s/.test(char)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += char;
      inWord = true;
    }
  }
  if (quote) throw new SluiceError('connector.not_found', `connector ${command}: unclosed ${quote} quote`);
  if (inWord) words.push(current);
  return words;
}
