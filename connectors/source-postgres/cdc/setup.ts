// Placeholder: CDC setup checks (work in progress).
import type pg from 'pg';
import type { CdcMethod } from '../spec.js';
export async function checkCdc(_client: pg.Client, _method: CdcMethod): Promise<string | undefined> {
  return 'CDC is not implemented yet';
}
