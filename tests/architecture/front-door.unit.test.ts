// One front door: the CLI and the REST API call control services, which own the rules; neither reads or writes the
// store's repositories itself, so a rule (e.g. no state reset while a job runs) cannot be kept in one and missed in
// the other.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './layer-rules.js';
import { checkFrontDoor, checkFrontEnd, describeFrontDoorViolation, storeRepositories } from './front-door-rules.js';

const REPOS = ['actors', 'connections', 'jobLogs', 'jobs', 'sessions', 'state', 'tokens', 'webhooks', 'workers'];

describe('the front-door scanner', () => {
  it('reads the repositories from the Store class', () => {
    expect(storeRepositories(readFileSync(join(repoRoot, 'control/store/open-store.ts'), 'utf8')).sort()).toEqual(REPOS);
  });

  it('names a repository call and a store module import in the CLI or the API, with file and line', () => {
    const source = [
      "import { loadConnectionState } from '../../control/store/connection-state-store.js';",
      "import { openStore } from '../../control/store/open-store.js';",
      "import type { ActorKind } from '../../control/store/records.js';",
      'const jobs = await store.jobs.list({ limit: 5 });',
      'const running = await deps.store.jobs.running(id);',
    ].join('\n');
    expect(checkFrontEnd('cli/commands/jobs.ts', source, REPOS).map(describeFrontDoorViolation)).toEqual([
      'cli/commands/jobs.ts:1 imports control/store/connection-state-store.js; call a control service instead',
      'cli/commands/jobs.ts:4 calls the jobs repository (store.jobs); call a control service instead',
      'cli/commands/jobs.ts:5 calls the jobs repository (store.jobs); call a control service instead',
    ]);
    expect(checkFrontEnd('control/api/job-routes.ts', "import { WEBHOOK_EVENTS } from '../store/webhook-repo.js';", REPOS)).toHaveLength(1);
  });

  it('lets services call the repositories, and the CLI call a StateStore or a service', () => {
    expect(checkFrontEnd('control/services/job-service.ts', 'await store.jobs.list({});', REPOS)).toEqual([]);
    expect(checkFrontEnd('cli/commands/state.ts', 'await store.reset(descriptor); printJson(store.forSource);', REPOS)).toEqual([]);
    expect(checkFrontEnd('cli/commands/jobs.ts', 'await listJobs(store, { limit: 5 });', REPOS)).toEqual([]);
  });
});

describe('the source tree', () => {
  it('has the CLI and the API go through control services: no repository call, no store module besides open-store and records', () => {
    expect(checkFrontDoor().map(describeFrontDoorViolation)).toEqual([]);
  });
});
