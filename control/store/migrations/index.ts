// Owns the ordered list of migrations. A migration is never edited once released: add the next number.
import * as m0001 from './0001-initial.js';
import * as m0002 from './0002-api-and-notifications.js';
import * as m0003 from './0003-webhook-secrets.js';
import * as m0004 from './0004-dashboard-sessions.js';
import * as m0005 from './0005-job-stream-counts.js';
import * as m0006 from './0006-connection-mappers.js';
import * as m0007 from './0007-job-logs.js';
import * as m0008 from './0008-workers.js';
import * as m0009 from './0009-worker-labels.js';
import * as m0010 from './0010-job-follow.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: Migration[] = [
  { version: 1, ...m0001 },
  { version: 2, ...m0002 },
  { version: 3, ...m0003 },
  { version: 4, ...m0004 },
  { version: 5, ...m0005 },
  { version: 6, ...m0006 },
  { version: 7, ...m0007 },
  { version: 8, ...m0008 },
  { version: 9, ...m0009 },
  { version: 10, ...m0010 },
];
