// Owns the options every sluice command accepts (kept light: the CLI reads them before loading any command).
import { Option, type Command } from 'commander';
import { LOG_LEVELS } from '../runtime/log-levels.js';

export function addGlobalOptions(program: Command): void {
  program.addOption(new Option('--log-level <level>', 'log verbosity on stderr').choices(LOG_LEVELS).default('info'));
}
