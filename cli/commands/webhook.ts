// Owns `sluice webhook create|list|delete`: where notifications go (job started, succeeded, failed, cancelled;
// schema changed). `create` prints the webhook's signing secret, the only time it is shown.
import { Command } from 'commander';
import { createWebhook, deleteWebhook, listWebhooks, WEBHOOK_EVENTS } from '../../control/services/webhook-service.js';
import { printJson, printLines, table } from '../output.js';
import { withStore, withWorkspace, type WorkspaceOptions } from '../store-context.js';

export function webhookCommand(): Command {
  const group = new Command('webhook').description('manage notification webhooks');
  withWorkspace(group.command('create'))
    .description('POST a signed JSON notification (Standard Webhooks) to a URL on the chosen events')
    .argument('<name>', 'webhook name')
    .requiredOption('--url <url>', 'http(s) URL')
    .option('--events <list>', `comma-separated events (default: all): ${WEBHOOK_EVENTS.join(', ')}`)
    .action(async (name: string, options: WorkspaceOptions & { url: string; events?: string }) => {
      const events = options.events?.split(',').map((event) => event.trim()).filter(Boolean);
      await withStore(options, async (store) => {
        const { webhook, secret } = await createWebhook(store, { name, url: options.url, events });
        printLines([`created webhook ${name} for ${webhook.events.join(', ')}`, `signing secret (shown once; verify the webhook-signature header with it): ${secret}`]);
      });
    });
  withWorkspace(group.command('list'))
    .description('list webhooks')
    .option('--json', 'print JSON')
    .action(async (options: WorkspaceOptions & { json?: boolean }) => {
      await withStore(options, async (store) => {
        const hooks = await listWebhooks(store);
        if (options.json) printJson(hooks);
        else printLines(table(['NAME', 'URL', 'EVENTS'], hooks.map((hook) => [hook.name, hook.url, hook.events.join(',')])));
      });
    });
  withWorkspace(group.command('delete'))
    .description('delete a webhook')
    .argument('<name>', 'webhook name')
    .action(async (name: string, options: WorkspaceOptions) => {
      await withStore(options, async (store) => {
        await deleteWebhook(store, name);
        printLines([`deleted webhook ${name}`]);
      });
    });
  return group;
}
