// Owns `sluice token create|list|revoke`: API tokens for `sluice serve`. A token is printed once, at creation.
import { Command } from 'commander';
import { createToken, listTokens, revokeToken } from '../../control/services/token-service.js';
import { printJson, printLines, table } from '../output.js';
import { formatTime, withStore, withWorkspace, type WorkspaceOptions } from '../store-context.js';

export function tokenCommand(): Command {
  const group = new Command('token').description('manage API tokens');
  withWorkspace(group.command('create'))
    .description('create a token and print it (it cannot be shown again)')
    .argument('<name>', 'what the token is for')
    .action(async (name: string, options: WorkspaceOptions) => {
      await withStore(options, async (store) => printLines([(await createToken(store, name)).token]));
    });
  withWorkspace(group.command('list'))
    .description('list tokens (names and use, never the tokens)')
    .option('--json', 'print JSON')
    .action(async (options: WorkspaceOptions & { json?: boolean }) => {
      await withStore(options, async (store) => {
        const tokens = await listTokens(store);
        if (options.json) printJson(tokens);
        else printLines(table(['NAME', 'CREATED', 'LAST USED'], tokens.map((token) => [token.name, formatTime(token.createdAt), formatTime(token.lastUsedAt)])));
      });
    });
  withWorkspace(group.command('revoke'))
    .description('revoke a token')
    .argument('<name>', 'token name')
    .action(async (name: string, options: WorkspaceOptions) => {
      await withStore(options, async (store) => {
        await revokeToken(store, name);
        printLines([`revoked token ${name}`]);
      });
    });
  return group;
}
