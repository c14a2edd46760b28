#!/usr/bin/env node
// Review fixture: spec has an airbyte_secret `password`; check logs the connection URL it would use, the password
// percent-encoded as in postgres://user:p%40ss@host/db, then answers SUCCEEDED.
import { readFileSync } from 'node:fs';
const [command, , configPath] = process.argv.slice(2);
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');
if (command === 'spec') out({ type: 'SPEC', spec: { connectionSpecification: { type: 'object', properties: { password: { type: 'string', airbyte_secret: true } } } } });
else {
  const { password } = JSON.parse(readFileSync(configPath, 'utf8'));
  out({ type: 'LOG', log: { level: 'INFO', message: `connecting to postgres://app:${encodeURIComponent(password)}@db.internal/prod` } });
  out({ type: 'CONNECTION_STATUS', connectionStatus: { status: 'SUCCEEDED' } });
}
process.stdout.write('', () => process.exit(0));
