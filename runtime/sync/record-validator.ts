// Owns checking records against their stream's JSON schema, off the hot path unless asked:
// off (default) checks nothing, sample parses and checks the first records of each stream and warns,
// strict parses and checks every record and fails the sync on the first that does not match.
import type { ConfiguredAirbyteCatalog } from '../../protocol/types.generated.js';
import { validateAgainstSchema } from '../../protocol/validators.js';
import { SluiceError } from '../errors.js';

export type ValidationMode = 'off' | 'sample' | 'strict';

const SAMPLE_SIZE = 10;

export class RecordValidator {
  readonly #schemas = new Map<string, object>();
  readonly #checked = new Map<string, number>();

  constructor(
    readonly mode: ValidationMode,
    catalog: ConfiguredAirbyteCatalog,
    readonly warn: (message: string) => void,
  ) {
    for (const configured of catalog.streams) this.#schemas.set(configured.stream.name, configured.stream.json_schema as object);
  }

  /** Whether the next record of `stream` should be looked at. */
  wants(stream: string): boolean {
    if (this.mode === 'off') return false;
    if (this.mode === 'strict') return true;
    return (this.#checked.get(stream) ?? 0) < SAMPLE_SIZE;
  }

  check(stream: string, data: unknown): void {
    this.#checked.set(stream, (this.#checked.get(stream) ?? 0) + 1);
    const schema = this.#schemas.get(stream);
    if (!schema) return;
    const issues = validateAgainstSchema(schema, data);
    if (issues.length === 0) return;
    const text = issues.map((issue) => `${issue.pointer} ${issue.message}`).join('; ');
    if (this.mode === 'strict') {
      throw new SluiceError('sync.invalid_record', `a record of stream ${stream} does not match its schema: ${text}`);
    }
    this.warn(`a record of stream ${stream} does not match its schema: ${text}`);
  }
}
