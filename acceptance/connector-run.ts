// Owns running one protocol command of the connector under test to its end with ConnectorClient.run: every
// message is checked and goes to the caller's handler as it arrives (nothing is kept here), LOG and TRACE ERROR
// messages and stderr go to the log, and the run ends with how the connector exited and, when it failed, the
// classified failure. Input for `write` is written to stdin first.
import { parseLine } from '../protocol/envelope.js';
import { messageProblem } from '../protocol/message-checks.js';
import type { AirbyteMessage } from '../protocol/types.generated.js';
import type { ConnectorClient, RunOutcome } from '../runtime/connector-client.js';
import { SluiceError } from '../runtime/errors.js';
import type { ConnectorFiles, ProtocolCommand } from '../runtime/launchers/launcher.js';
import type { Redactor } from '../runtime/secrets.js';

export type { RunOutcome } from '../runtime/connector-client.js';

/** read and write get this long unless the client sets its own limit. */
export const DEFAULT_STREAM_TIMEOUT_MS = 10 * 60_000;

export interface RunTarget {
  client: ConnectorClient;
  /** Masks the secrets of the configs under test in everything logged or reported. */
  redact: Redactor;
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
  const { command, files, input, onMessage, exactNumbers } = request;
  return client.run(
    command,
    {
      ...files,
      input,
      redact,
      parseRecords: true,
      timeoutMs: streaming ? (client.options.streamTimeoutMs ?? DEFAULT_STREAM_TIMEOUT_MS) : undefined,
    },
    (output) => ({
      record: () => false,
      message: (parsed, _bytes, line) => {
        const message = exactNumbers ? exactMessage(line, parsed) : parsed;
        const problem = messageProblem(message);
        if (problem !== undefined) throw new SluiceError('connector.protocol_violation', `connector ${client.name} sent a malformed ${message.type} message: ${problem}`);
        output.handleSideMessage(message);
        onMessage?.(message);
        return false;
      },
      noise: (text, reason, lineNumber) => output.handleNoise(text, reason, lineNumber),
    }),
  );
}

/** The message of `line` with every number a double would change kept as an ExactNumber. */
function exactMessage(line: Buffer, parsed: AirbyteMessage): AirbyteMessage {
  const kind = parseLine(line, 0, line.length, true);
  return kind.kind === 'message' ? kind.message : parsed;
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
