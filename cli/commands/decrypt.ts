// Owns `sluice decrypt`: turns values the encrypt mapper wrote (`v1:…`) back into what they were, with the key given
// as env:VAR or file:PATH. Values come as arguments, or one per line on stdin; each prints as its JSON text (a string
// quoted, a number with every digit), or with --raw a string as it is. The key is never printed or quoted in an error.
import { createInterface } from 'node:readline';
import { Command } from 'commander';
import { stringifyExactJson } from '../../protocol/exact-json.js';
import { SluiceError } from '../../runtime/errors.js';
import { decryptValue } from '../../runtime/mappers/index.js';
import { readSecretSource } from '../secret-source.js';
import { printLines } from '../output.js';

interface DecryptOptions {
  key: string;
  raw?: boolean;
}

export function decryptCommand(): Command {
  return new Command('decrypt')
    .description('decrypt values written by an encrypt mapper (arguments, or one per line on stdin)')
    .argument('[values...]', 'encrypted values (v1:…); none: read them from stdin, one per line')
    .requiredOption('--key <source>', 'the mapper\'s key: env:VAR or file:PATH (64 hex characters)')
    .option('--raw', 'print a string value without JSON quotes')
    .action(async (values: string[], options: DecryptOptions) => {
      const read = readSecretSource(options.key);
      if (!('value' in read)) throw new SluiceError('cli.usage', read.named ? `--key ${options.key}: ${read.problem}` : `--key ${read.problem}`);
      const show = (value: unknown): string => (options.raw && typeof value === 'string' ? value : stringifyExactJson(value));
      const decrypt = (text: string, position: string): string => {
        try {
          return show(decryptValue(text.trim(), read.value));
        } catch (error) {
          if (error instanceof SluiceError) throw new SluiceError(error.code, `${position}: ${error.message}`);
          throw error;
        }
      };
      if (values.length > 0) {
        printLines(values.map((text, index) => decrypt(text, `value ${index + 1}`)));
        return;
      }
      let line = 0;
      for await (const text of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
        line++;
        if (text.trim() !== '') printLines([decrypt(text, `stdin line ${line}`)]);
      }
    });
}
