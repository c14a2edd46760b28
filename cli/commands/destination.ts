// Owns `sluice destination create|list|show|update|delete|check`.
import type { Command } from 'commander';
import { actorCommand } from '../actor-commands.js';

export const destinationCommand = (): Command => actorCommand('destination');
