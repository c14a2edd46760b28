// Which stderr line explains a failure: the error headline of a dump, not its closing brace or stack frames.
import { describe, expect, it } from 'vitest';
import { meaningfulStderrLine } from '../../runtime/failure-reason.js';

describe('meaningfulStderrLine', () => {
  it('picks the exception of a Python traceback, not its header or frames', () => {
    expect(meaningfulStderrLine(['Traceback (most recent call last):', '  File "source.py", line 3, in <module>', '    read()', 'ValueError: cursor must be an integer'])).toBe('ValueError: cursor must be an integer');
  });

  it('picks the headline of a JVM dump followed by frames and "... 3 more"', () => {
    expect(meaningfulStderrLine(['java.sql.SQLException: login failed', '\tat Foo.bar(Foo.java:1)', 'Caused by: java.net.ConnectException: refused', '\tat Baz.qux(Baz.java:2)', '\t... 3 more'])).toBe('Caused by: java.net.ConnectException: refused');
  });

  it('skips brackets, carets, blank lines and the Node.js footer when no line names an error', () => {
    expect(meaningfulStderrLine(['could not open the spreadsheet', '}', '', '    ^', 'Node.js v20.20.2'])).toBe('could not open the spreadsheet');
  });

  it('says nothing when stderr held nothing meaningful', () => {
    expect(meaningfulStderrLine(['', '}'])).toBeUndefined();
  });
});
