// Owns `sluice logs <job>`: print a job's log lines (as stored, JSON lines, with --json), or one readable line
// each: time, level, connector, message.
import { Command } from 'commander';
import { jobLog } from '../../control/services/job-service.js';
import { printLines } from '../output.js';
import { withStore, withWorkspace, type WorkspaceOptions } from '../store-context.js';

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

export function logsCommand(): Command {
  return withWorkspace(new Command('logs'))
    .description("print a job's log")
    .argument('<job>', 'job number')
    .option('--json', 'print the stored JSON lines')
    .action(async (id: string, options: WorkspaceOptions & { json?: boolean }) => {
      await withStore(options, async (store) => {
        const { lines } = await jobLog(store, id);
        if (lines.length === 0) return;
        printLines(options.json ? lines : lines.map(readable));
      });
    });
}

export function readable(line: string): string {
  try {
    const entry = JSON.parse(line) as { time?: number; level?: number; msg?: string; connector?: string };
    const time = entry.time === undefined ? '' : new Date(entry.time).toISOString().slice(11, 23);
    return `${time} ${(LEVELS[entry.level ?? 30] ?? 'INFO').padEnd(5)} ${entry.connector ? `[${entry.connector}] ` : ''}${entry.msg ?? ''}`;
  } catch {
    return line;
  }
}
