// Owns what the control plane's commands share: the --workspace option, opening the store for one command and
// closing it afterwards, reading a config given as a file or inline JSON, and the yes/no confirmation.
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { openStore, type Store } from '../control/store/open-store.js';
import { readJsonFile } from '../runtime/json-files.js';
import { SluiceError } from '../runtime/errors.js';

export interface WorkspaceOptions {
  workspace?: string;
}

export function withWorkspace(command: Command): Command {
  return command.option('--workspace <dir>', 'workspace directory (default: $SLUICE_HOME, else .sluice)');
}

export async function withStore<T>(options: WorkspaceOptions, work: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore({ workspace: options.workspace });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/** A config from --config FILE or --config-json TEXT; undefined when neither is given. */
export async function readConfigOption(options: { config?: string; configJson?: string }): Promise<unknown> {
  if (options.config !== undefined && options.configJson !== undefined) throw new SluiceError('cli.usage', 'use --config or --config-json, not both');
  if (options.config !== undefined) return readJsonFile(options.config, 'config');
  if (options.configJson === undefined) return undefined;
  try {
    return JSON.parse(options.configJson);
  } catch (error) {
    throw new SluiceError('cli.usage', `--config-json is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}

/** Asks on the terminal; without one (or without --yes) the action is refused rather than assumed. */
export async function confirm(question: string, yes: boolean | undefined): Promise<void> {
  if (yes) return;
  if (!process.stdin.isTTY) {
    throw new SluiceError('cli.confirmation_required', `${question} (no terminal to ask on)`, { hint: 'pass --yes to confirm' });
  }
  const readline = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await readline.question(`${question} [y/N] `);
    if (!/^y(es)?$/i.test(answer.trim())) throw new SluiceError('cli.confirmation_required', 'not confirmed; nothing was changed');
  } finally {
    readline.close();
  }
}

export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '';
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}
