// A connector's malformed STATE, TRACE or CONTROL message is a protocol violation naming the connector: one error
// line, exit 1, and only the states before it committed. Real processes: sends-malformed-message.mjs.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorLine, fixture, jsonFile, sluice, tempDir } from '../support/cli.js';

const SOURCE = fixture('sends-malformed-message.mjs');

async function syncWith(source: unknown, destination?: unknown) {
  const dir = tempDir();
  const state = join(dir, 'state.json');
  const args = ['sync', '--source', SOURCE, '--source-config', jsonFile(dir, 'source.json', source)];
  if (destination === undefined) args.push('--destination', fixture('echo-destination.mjs'), '--destination-config', jsonFile(dir, 'dest.json', { path: join(dir, 'out.jsonl') }));
  else args.push('--destination', SOURCE, '--destination-config', jsonFile(dir, 'dest.json', destination));
  const result = await sluice([...args, '--state', state]);
  return { ...result, state: JSON.parse(readFileSync(state, 'utf8')) };
}

const committedFirstState = [{ type: 'STREAM', stream: { stream_descriptor: { name: 'numbers' }, stream_state: { id: 1 } } }];

describe.concurrent('a malformed message from the source', () => {
  it.each([
    ['a STATE without stream', '{"type":"STATE","state":{"type":"STREAM"}}', 'STATE message: /stream must be an object'],
    ['a STATE with stream 5', '{"type":"STATE","state":{"type":"STREAM","stream":5}}', 'STATE message: /stream must be an object'],
    ['a STATE whose stream name is a number', '{"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":{"name":5}}}}', 'STATE message: /stream/stream_descriptor/name must be a string'],
    ['a STATE of an unknown type', '{"type":"STATE","state":{"type":"PER_TABLE","data":{}}}', 'STATE message: /type must be STREAM, GLOBAL or LEGACY'],
    ['a GLOBAL STATE without stream_states', '{"type":"STATE","state":{"type":"GLOBAL","global":{"shared_state":{}}}}', 'STATE message: /global/stream_states must be an array'],
    ['a STREAM_STATUS without a stream', '{"type":"TRACE","trace":{"type":"STREAM_STATUS","emitted_at":1,"stream_status":{}}}', 'TRACE message: /stream_status/stream_descriptor must be an object'],
    ['a STREAM_STATUS with an unknown status', '{"type":"TRACE","trace":{"type":"STREAM_STATUS","emitted_at":1,"stream_status":{"stream_descriptor":{"name":"numbers"},"status":"DONE"}}}', 'TRACE message: /stream_status/status must be STARTED, RUNNING, COMPLETE or INCOMPLETE'],
    ['an ERROR trace whose error is 5', '{"type":"TRACE","trace":{"type":"ERROR","emitted_at":1,"error":5}}', 'TRACE message: /error must be an object'],
    ['an ERROR trace without a message', '{"type":"TRACE","trace":{"type":"ERROR","emitted_at":1,"error":{"failure_type":"system_error"}}}', 'TRACE message: /error/message must be a string'],
    ['an ESTIMATE without a name', '{"type":"TRACE","trace":{"type":"ESTIMATE","emitted_at":1,"estimate":{"type":"STREAM","row_estimate":3}}}', 'TRACE message: /estimate/name must be a string'],
    ['a CONTROL config update without a config', '{"type":"CONTROL","control":{"type":"CONNECTOR_CONFIG","emitted_at":1,"connectorConfig":5}}', 'CONTROL message: /connectorConfig must be an object'],
  ])('%s stops the sync with a protocol violation naming the source', async (_name, line, problem) => {
    const result = await syncWith({ line });
    expect(result.exitCode).toBe(1);
    expect(errorLine(result.stderr)).toBe(`sluice: connector.protocol_violation: source ${SOURCE} sent a malformed ${problem}`);
    expect(result.stderr).not.toContain('internal.unexpected');
    expect(result.state).toEqual(committedFirstState);
  });

  it('a STATE nested 100,000 levels deep stops the sync with a protocol violation', async () => {
    const result = await syncWith({ deep: 100_000 });
    expect(result.exitCode).toBe(1);
    expect(errorLine(result.stderr)).toBe(`sluice: connector.protocol_violation: source ${SOURCE} sent a malformed STATE message: nested 100002 levels deep (at most 1000)`);
    expect(result.state).toEqual(committedFirstState);
  });
});

describe.concurrent('a malformed message from the destination', () => {
  it.each([
    ['an echoed STATE without stream', '{"type":"STATE","state":{"type":"STREAM"}}', 'STATE message: /stream must be an object'],
    ['a STREAM_STATUS without a stream', '{"type":"TRACE","trace":{"type":"STREAM_STATUS","emitted_at":1,"stream_status":{}}}', 'TRACE message: /stream_status/stream_descriptor must be an object'],
  ])('%s stops the sync with a protocol violation naming the destination', async (_name, line, problem) => {
    const result = await syncWith({}, { line });
    expect(result.exitCode).toBe(1);
    expect(errorLine(result.stderr)).toBe(`sluice: connector.protocol_violation: destination ${SOURCE} sent a malformed ${problem}`);
    expect(result.state).toEqual(committedFirstState);
  });
});

it('sluice read stops with a protocol violation naming the source at a malformed ERROR trace', async () => {
  const dir = tempDir();
  const catalog = jsonFile(dir, 'catalog.json', { streams: [{ stream: { name: 'numbers', json_schema: {}, supported_sync_modes: ['full_refresh'] }, sync_mode: 'full_refresh', destination_sync_mode: 'append' }] });
  const config = jsonFile(dir, 'source.json', { line: '{"type":"TRACE","trace":{"type":"ERROR","emitted_at":1,"error":5}}' });
  const result = await sluice(['read', SOURCE, '--config', config, '--catalog', catalog]);
  expect(result.exitCode).toBe(1);
  expect(errorLine(result.stderr)).toBe(`sluice: connector.protocol_violation: connector ${SOURCE} sent a malformed TRACE message: /error must be an object`);
});

it('sluice test-connector reports a malformed STATE as a failed read, naming the connector, instead of crashing', async () => {
  const dir = tempDir();
  const config = jsonFile(dir, 'source.json', { line: '{"type":"STATE","state":{"type":"STREAM","stream":5}}' });
  const result = await sluice(['test-connector', SOURCE, '--config', config, '--log-level', 'silent']);
  expect(result.exitCode).toBe(1);
  expect(result.stdout).toMatch(new RegExp(`^incremental\\.emits_state +FAIL +the first incremental read failed: connector ${SOURCE} sent a malformed STATE message: /stream must be an object$`, 'm'));
  expect(errorLine(result.stderr)).toMatch(/^sluice: acceptance\.failed: /);
});
