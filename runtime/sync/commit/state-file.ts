// Owns the state file, the commit path's file back-end: read in any stored form Sluice reads (a missing file is an
// empty state), and rewritten whole in its stored form at each commit, atomically (written to a temporary file,
// fsynced, renamed over the old one), so a crash leaves either the previous state or the new one.
import { access } from 'node:fs/promises';
import { storedForm } from '../../../protocol/state.js';
import { readJsonFile, writeJsonFileAtomic } from '../../json-files.js';
import { MergedState } from './merged-state.js';
import { IN_MEMORY, StateStore, type StatePersistence } from './state-store.js';

/** The state file at `path` as a persistence back-end. */
export function stateFilePersistence(path: string): StatePersistence {
  return {
    location: path,
    label: `state file ${path}`,
    write: (state) => writeJsonFileAtomic(path, storedForm(state) ?? []),
  };
}

/** Loads `path` (a missing file is an empty state); without a path, state lives in memory only. */
export async function loadStateFile(path: string | undefined): Promise<StateStore> {
  if (path === undefined) return new StateStore(new MergedState(), IN_MEMORY);
  const persistence = stateFilePersistence(path);
  if (!(await exists(path))) return new StateStore(new MergedState(), persistence);
  return new StateStore(MergedState.parse(await readJsonFile(path, 'state'), persistence.label), persistence);
}

/** The stored form of a state file a user gave (any form Sluice reads), for a source's --state; it must exist. */
export async function readStateFileForSource(path: string): Promise<unknown> {
  return MergedState.parse(await readJsonFile(path, 'state'), `state file ${path}`).forSource;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
