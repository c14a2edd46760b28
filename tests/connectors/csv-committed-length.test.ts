// destination-csv's committed-length marker: after a crash the file is cut back, and a file that cannot be cut
// back stops the sync instead of being appended to after its torn rows.
import { describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommittedLength } from '../../connectors/destination-csv/csv-files.js';
import { tempDir } from '../support/cli.js';

describe('CommittedLength.recover', () => {
  it('cuts the file back to the committed length', async () => {
    const file = join(tempDir(), 'users.csv');
    writeFileSync(file, 'a,b\n1,2\n3,');
    const marker = new CommittedLength(file);
    await marker.record(8);
    await marker.recover();
    expect(readFileSync(file, 'utf8')).toBe('a,b\n1,2\n');
  });

  it('does nothing when there is no marker or no file', async () => {
    const dir = tempDir();
    await expect(new CommittedLength(join(dir, 'none.csv')).recover()).resolves.toBeUndefined();
    const gone = new CommittedLength(join(dir, 'gone.csv'));
    await gone.record(8);
    await expect(gone.recover()).resolves.toBeUndefined();
  });

  it('fails, naming the file, when the file cannot be cut back', async () => {
    const file = join(tempDir(), 'users.csv');
    mkdirSync(file);
    const marker = new CommittedLength(file);
    await marker.record(8);
    await expect(marker.recover()).rejects.toThrow(`cannot cut ${file} back to its committed length 8 after a crashed sync: EISDIR`);
  });

  it('fails when the marker exists but cannot be read', async () => {
    const file = join(tempDir(), 'users.csv');
    writeFileSync(file, 'a,b\n');
    mkdirSync(new CommittedLength(file).path);
    await expect(new CommittedLength(file).recover()).rejects.toThrow(/EISDIR/);
  });
});
