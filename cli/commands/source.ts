// Owns `sluice source create|list|show|update|delete|check`.
import type { Command } from 'commander';
import { actorCommand } from '../actor-commands.js';

export const sourceCommand = (): Command => actorCommand('source');
