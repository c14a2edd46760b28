// Owns checking the parts of STATE, TRACE and CONTROL messages the runtime reads, beyond the envelope
// (envelope.ts): each check returns what is wrong as "/pointer must be …", or undefined. Tolerant of everything the
// runtime does not read (unknown fields, a missing emitted_at); strict about what it does, so a malformed message
// is a protocol violation naming its connector rather than a crash.
import { isExactNumber, MAX_JSON_DEPTH } from './exact-json.js';
import type { AirbyteMessage } from './types.generated.js';

type Problem = string | undefined;

const STATE_TYPES = ['STREAM', 'GLOBAL', 'LEGACY'];
const STREAM_STATUSES = ['STARTED', 'RUNNING', 'COMPLETE', 'INCOMPLETE'];

/** What is wrong with a STATE, TRACE or CONTROL message (other types: nothing beyond the envelope). */
export function messageProblem(message: AirbyteMessage): Problem {
  switch (message.type) {
    case 'STATE':
      return stateProblem(message.state);
    case 'TRACE':
      return traceProblem(message.trace as unknown as Record<string, unknown>);
    case 'CONTROL':
      return controlProblem(message.control as unknown as Record<string, unknown>);
    default:
      return undefined;
  }
}

/** What is wrong with a STATE message's `state`, if anything. */
export function stateProblem(state: unknown): Problem {
  const depth = depthOf(state);
  if (depth > MAX_JSON_DEPTH) return `nested ${depth} levels deep (at most ${MAX_JSON_DEPTH})`;
  if (!isObject(state)) return mustBe('', 'an object');
  const type = state['type'];
  if (type !== undefined && !STATE_TYPES.includes(type as string)) return mustBe('/type', 'STREAM, GLOBAL or LEGACY');
  for (const stats of ['sourceStats', 'destinationStats']) {
    const value = state[stats];
    if (value === undefined || value === null) continue;
    if (!isObject(value)) return mustBe(`/${stats}`, 'an object');
    if (value['recordCount'] !== undefined && typeof value['recordCount'] !== 'number') return mustBe(`/${stats}/recordCount`, 'a number');
  }
  if (type === 'STREAM') return streamStateProblem(state['stream'], '/stream');
  if (type === 'GLOBAL') {
    const global = state['global'];
    if (!isObject(global)) return mustBe('/global', 'an object');
    const shared = blobProblem(global['shared_state'], '/global/shared_state');
    if (shared) return shared;
    const states = global['stream_states'];
    if (!Array.isArray(states)) return mustBe('/global/stream_states', 'an array');
    for (let i = 0; i < states.length; i++) {
      const problem = streamStateProblem(states[i], `/global/stream_states/${i}`);
      if (problem) return problem;
    }
  }
  return undefined;
}

/** What is wrong with a TRACE message's `trace`, for the trace types the runtime reads. */
export function traceProblem(trace: Record<string, unknown>): Problem {
  switch (trace['type']) {
    case 'ERROR': {
      const error = trace['error'];
      if (!isObject(error)) return mustBe('/error', 'an object');
      if (typeof error['message'] !== 'string') return mustBe('/error/message', 'a string');
      for (const field of ['internal_message', 'failure_type', 'stack_trace']) {
        if (error[field] !== undefined && error[field] !== null && typeof error[field] !== 'string') return mustBe(`/error/${field}`, 'a string');
      }
      return undefined;
    }
    case 'ESTIMATE': {
      const estimate = trace['estimate'];
      if (!isObject(estimate)) return mustBe('/estimate', 'an object');
      if (typeof estimate['name'] !== 'string') return mustBe('/estimate/name', 'a string');
      const rows = estimate['row_estimate'];
      if (rows !== undefined && rows !== null && typeof rows !== 'number') return mustBe('/estimate/row_estimate', 'a number');
      return undefined;
    }
    case 'STREAM_STATUS': {
      const status = trace['stream_status'];
      if (!isObject(status)) return mustBe('/stream_status', 'an object');
      const descriptor = descriptorProblem(status['stream_descriptor'], '/stream_status/stream_descriptor');
      if (descriptor) return descriptor;
      if (!STREAM_STATUSES.includes(status['status'] as string)) return mustBe('/stream_status/status', 'STARTED, RUNNING, COMPLETE or INCOMPLETE');
      return undefined;
    }
    default:
      return undefined;
  }
}

/** What is wrong with a CONTROL message's `control`, for the control types the runtime acts on. */
export function controlProblem(control: Record<string, unknown>): Problem {
  if (control['type'] !== 'CONNECTOR_CONFIG') return undefined;
  const update = control['connectorConfig'];
  if (!isObject(update)) return mustBe('/connectorConfig', 'an object');
  if (!isObject(update['config'])) return mustBe('/connectorConfig/config', 'an object');
  return undefined;
}

function streamStateProblem(value: unknown, at: string): Problem {
  if (!isObject(value)) return mustBe(at, 'an object');
  return descriptorProblem(value['stream_descriptor'], `${at}/stream_descriptor`) ?? blobProblem(value['stream_state'], `${at}/stream_state`);
}

function descriptorProblem(value: unknown, at: string): Problem {
  if (!isObject(value)) return mustBe(at, 'an object');
  if (typeof value['name'] !== 'string') return mustBe(`${at}/name`, 'a string');
  const namespace = value['namespace'];
  if (namespace !== undefined && namespace !== null && typeof namespace !== 'string') return mustBe(`${at}/namespace`, 'a string');
  return undefined;
}

/** A state blob is an object, or null/absent (a reset). */
function blobProblem(value: unknown, at: string): Problem {
  return value === undefined || value === null || isObject(value) ? undefined : mustBe(at, 'an object');
}

function mustBe(pointer: string, what: string): string {
  return `${pointer || '/'} must be ${what}`;
}

/** How deeply arrays and objects nest in a parsed value, walked without recursion (it may be 100,000 deep). */
function depthOf(value: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (depth + 1 > deepest) deepest = depth + 1;
    for (const child of Array.isArray(current) ? current : Object.values(current)) {
      if (typeof child === 'object' && child !== null && !isExactNumber(child)) stack.push([child, depth + 1]);
    }
  }
  return deepest;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
