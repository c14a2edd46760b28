// destination-postgres checks date and timestamp strings before they reach COPY: the usual ISO forms pass a quick
// character test, and anything else is still judged by the full pattern, so a bad value becomes null (reported)
// instead of failing the batch.
import { describe, expect, it } from 'vitest';
import { converterFor } from '../../connectors/destination-postgres/copy-values.js';

const convert = (type: 'date' | 'timestamp with time zone' | 'timestamp without time zone', text: string): string | undefined => {
  const json = JSON.stringify(text);
  return converterFor(type)(json, 0, json.length);
};

describe('date and timestamp values in COPY text', () => {
  it('accepts the ISO forms sources send, with T or a space, fractions and any zone', () => {
    for (const text of ['2024-01-01T00:00:00Z', '2024-01-01 00:00:00+00', '2024-01-01T10:00:00.123456+05:30', '2024-01-01T10:00:00-11', '2024-01-01T10:00:00']) {
      expect(convert('timestamp with time zone', text)).toBe(text);
      expect(convert('timestamp without time zone', text)).toBe(text);
    }
    expect(convert('date', '2024-02-29')).toBe('2024-02-29');
  });

  it('still accepts the other forms PostgreSQL reads: long years, BC, infinity, zones without a colon', () => {
    for (const text of ['12024-01-01T00:00:00Z', '2024-01-01 00:00:00 BC', 'infinity', '-infinity', '2024-01-01T00:00:00-0530', '2024-01-01T10:00', '2024-01-01']) {
      expect(convert('timestamp with time zone', text)).toBe(text);
    }
    expect(convert('date', '0044-03-15 BC')).toBe('0044-03-15 BC');
  });

  it('refuses what is not a date or timestamp', () => {
    for (const text of ['2024-01-01T00:00:00.', '2024-01-01T00:00:00+05:3', 'x024-01-01T00:00:00Z', 'yesterday', '2024-01-01T00:00:00Zulu']) {
      expect(convert('timestamp with time zone', text)).toBeUndefined();
    }
    expect(convert('date', '2024-1-01')).toBeUndefined();
  });
});
