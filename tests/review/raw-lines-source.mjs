#!/usr/bin/env node
// Review fixture: a source whose read prints config.file verbatim (whatever the catalog says); discover lists config.streams.
import { readFileSync, writeFileSync } from 'node:fs';
const [command, ...rest] = process.argv.slice(2);
const flags = {}; for (let i = 0; i < rest.length; i += 2) flags[rest[i].slice(2)] = rest[i + 1];
const config = flags.config ? JSON.parse(readFileSync(flags.config, 'utf8')) : {};
const out = (s) => process.stdout.write(s + '\n');
if (command === 'spec') out(JSON.stringify({type:'SPEC',spec:{connectionSpecification:{type:'object',properties:{file:{type:'string'},streams:{type:'array'},received_state:{type:'string'}}}}}));
else if (command === 'check') out('{"type":"CONNECTION_STATUS","connectionStatus":{"status":"SUCCEEDED"}}');
else if (command === 'discover') out(JSON.stringify({type:'CATALOG',catalog:{streams:(config.streams||['s']).map(n=>({name:n,json_schema:{type:'object',properties:{id:{type:'integer'},v:{}}},supported_sync_modes:['full_refresh','incremental'],source_defined_cursor:true,default_cursor_field:['id'],source_defined_primary_key:[['id']]}))}}));
else if (command === 'read') { if (config.received_state && flags.state) writeFileSync(config.received_state, readFileSync(flags.state,'utf8')); process.stdout.write(readFileSync(config.file,'utf8'), () => process.exit(0)); }
