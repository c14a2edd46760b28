// Owns picking, from what a failed connector printed on stderr, the line that says what went wrong: the last
// error headline ("Error: connect ECONNREFUSED", "ValueError: bad cursor", "panic: …"), else the last line that is
// not part of a dump's scaffolding (blank lines, lone brackets or carets, stack frames, "Node.js v20…").

const HEADLINE = /^\s*(?:[\w$.]*(?:Error|Exception)\b|panic:|fatal:|FATAL\b|ERROR\b|Traceback\b|Caused by:)/;
const TRACEBACK_HEADER = /^\s*Traceback \(most recent call last\)/;
const SCAFFOLDING = [
  /^[\s{}[\]()^~,;]*$/, // blank, a lone bracket or caret
  /^\s+at\s/, // a JavaScript or JVM stack frame
  /^\s+File "/, // a Python stack frame
  /^\s*\.\.\. \d+ more\s*$/, // a JVM "... 12 more"
  /^Node\.js v\d/, // Node's version footer
];

/** The stderr line that best explains a failure, trimmed; undefined when there is none. */
export function meaningfulStderrLine(lines: readonly string[]): string | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!;
    if (HEADLINE.test(line) && !TRACEBACK_HEADER.test(line)) return line.trim();
  }
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!;
    if (!SCAFFOLDING.some((pattern) => pattern.test(line))) return line.trim();
  }
  return undefined;
}
