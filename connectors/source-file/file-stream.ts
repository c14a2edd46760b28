// Owns source-file's one stream: its inputs, the schema inferred from the first `infer_rows` rows, the key and
// cursor the config names (checked against the schema), and the read that converts CSV text to those types.
import type { StreamDefinition } from '../kit/source.js';
import { ConnectorError } from '../kit/run-connector.js';
import { listInputs, streamNameOf, type FileConfig } from './config.js';
import { SchemaSample, textConverter } from './infer-schema.js';
import { readRows, type FileInput } from './read-rows.js';

export async function fileStream(config: FileConfig): Promise<StreamDefinition<FileConfig>> {
  const inputs = await listInputs(config);
  const sample = await sampleRows(inputs, config.infer_rows ?? 1000);
  const keys = config.primary_key === undefined ? [] : typeof config.primary_key === 'string' ? [config.primary_key] : config.primary_key;
  for (const [role, column] of [...keys.map((key) => ['primary_key', key] as const), ['cursor_field', config.cursor_field] as const]) {
    if (column !== undefined && sample.columns.size > 0 && !sample.columns.has(column)) {
      throw new ConnectorError(
        `${role} ${column} is not a column of ${config.path} (its columns: ${[...sample.columns.keys()].join(', ')})`,
        'config_error',
      );
    }
  }
  return {
    name: streamNameOf(config),
    schema: sample.schema(inputs.every((input) => input.format === 'csv')),
    // Column names are passed as one-element paths, so a name with a dot is not taken for a nested field.
    ...(keys.length > 0 ? { primaryKey: keys.map((key) => [key]) } : {}),
    ...(config.cursor_field !== undefined ? { cursorField: [config.cursor_field] } : {}),
    async *read(context) {
      const convert = textConverter(sample, (message) => context.log(message, 'WARN'));
      for (const input of inputs) {
        if (input.format === 'csv') for await (const row of readRows(input)) yield convert(row as Record<string, string | null>);
        else yield* readRows(input);
      }
    },
  };
}

/** The kinds of values in the first `limit` rows, across inputs in read order; stops reading as soon as it has them. */
async function sampleRows(inputs: FileInput[], limit: number): Promise<SchemaSample> {
  const sample = new SchemaSample();
  let count = 0;
  for (const input of inputs) {
    for await (const row of readRows(input)) {
      sample.observe(row, input.format === 'csv');
      if (++count >= limit) return sample;
    }
  }
  return sample;
}
