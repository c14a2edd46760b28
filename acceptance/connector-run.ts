// Owns running one protocol command of the connector under test to its end, through its launcher (a process or
// a container alike): every message goes to the caller's handler as it arrives (nothing is kept here), LOG and
// TRACE ERROR messages and stderr go to the log, and the run ends with how the connector exited and, when it
// failed, the classified failure. Input for `write` is written to stdin first.
import { readMessages } from '../protocol/message-reader.js';
import { messageProblem } from '../protocol/message-checks.js';
import type { AirbyteErrorTraceMessage, AirbyteMessage } from '../protocol/types.generated.js';
import { DEFAULT_COMMAND_TIMEOUT_MS, type ConnectorClient } from '../runtime/connector-client.js';
import { ConnectorOutput } from '../runtime/connector-output.js';
import { failureOf } from '../runtime/connector-failure.js';
import { SluiceError } from '../runtime/errors.js';
import type { ConnectorFiles, ExitResult, ProtocolCommand } from '../runtime/launchers/launcher.js';
import type { Redactor } from '../runtime/secrets.js';

/** read and write get this long unless the client sets its own limit. */
export const DEFAULT_STREAM_TIMEOUT_MS = 10 * 60_000;

export interface RunTarget {
  client: ConnectorClient;
  /** Masks the secrets of the configs under test in everything logged or reported. */
  redact: Redactor;
}

export interface RunOutcome {
  exit: ExitResult;
  /** Why the run failed (exit code, signal, time limit, a line too long), or undefined when it exited 0. */
  failure?: SluiceError | Error;
  /** The last TRACE ERROR the connector emitted. */
  traceError?: AirbyteErrorTraceMessage;
  stderrTail: readonly string[];
}

export interface RunRequest {
  command: ProtocolCommand;
  files: ConnectorFiles;
  /** Called for every protocol message, LOG and TRACE included. */
  onMessage?: (message: AirbyteMessage) => void;
  /** Lines written to stdin (newline added) before it is closed. */
  input?: readonly string[];
  /** Keep numbers beyond a double's precision exact in every message (records as ExactNumbers), e.g. cursors. */
  exactNumbers?: boolean;
}

export async function runCommand(target: RunTarget, request: RunRequest): Promise<RunOutcome> {
  const { client, redact } = target;
  const streaming = request.command === 'read' || request.command === 'write';
  const timeoutMs = streaming
    ? (client.options.streamTimeoutMs ?? DEFAULT_STREAM_TIMEOUT_MS)
    : (client.options.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS);
  const output = new ConnectorOutput(client.name, client.logger, redact);
  const running = await client.launcher.launch({
    command: request.command,
    files: request.files,
    stdin: request.input !== undefined,
    env: client.options.env,
    timeoutMs,
    signal: client.options.signal,
    killGraceMs: client.options.killGraceMs,
    onStderrLine: output.handleStderrLine,
  });
  if (request.input !== undefined && running.stdin) {
    // A destination that exits without reading its input must not crash us with EPIPE.
    running.stdin.on('error', () => undefined);
    running.stdin.end(request.input.map((line) => `${line}\n`).join(''));
  }
  let streamFailure: unknown;
  try {
    for await (const item of readMessages(running.stdout, { maxLineBytes: client.options.maxLineBytes, exactNumbers: request.exactNumbers })) {
      if (item.kind === 'noise') {
        output.handleNoise(item.text, item.reason, item.lineNumber);
        continue;
      }
      const problem = messageProblem(item.message);
      if (problem !== undefined) throw new SluiceError('connector.protocol_violation', `connector ${client.name} sent a malformed ${item.message.type} message: ${problem}`);
      output.handleSideMessage(item.message);
      request.onMessage?.(item.message);
    }
  } catch (error) {
    streamFailure = client.streamError(request.command, error);
    await running.stop();
  }
  const exit = await running.exited;
  const failure =
    (streamFailure as Error | undefined) ??
    failureOf({
      connector: client.name,
      command: request.command,
      exit,
      traceError: output.traceError,
      lastErrorLog: output.lastErrorLog,
      stderrTail: output.stderrTail,
      timeoutMs,
    });
  return { exit, failure, traceError: output.traceError, stderrTail: output.stderrTail };
}

/** Runs a command and keeps the messages of the wanted types (spec, check and discover answer with a few). */
export async function collectMessages(
  target: RunTarget,
  command: ProtocolCommand,
  files: ConnectorFiles,
  wanted: ReadonlyArray<AirbyteMessage['type']>,
): Promise<RunOutcome & { messages: AirbyteMessage[] }> {
  const messages: AirbyteMessage[] = [];
  const outcome = await runCommand(target, {
    command,
    files,
    onMessage: (message) => {
      if (wanted.includes(message.type)) messages.push(message);
    },
  });
  return { ...outcome, messages };
}

/** One line for a failed run: the classified message and its hint (e.g. the last stderr line). */
export function describeFailure(failure: Error, redact: Redactor): string {
  const hint = (failure as SluiceError).hint;
  return redact(hint ? `${failure.message} (${hint})` : failure.message);
}
