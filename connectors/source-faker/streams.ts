// Owns the fake data: three streams whose every row is a pure function of (seed, stream, id), so a read is
// repeatable, an incremental read can start at any cursor, and rows are produced without per-row allocation
// beyond the line itself.
import type { AirbyteStream } from '../../protocol/types.generated.js';

export interface FakerStream {
  name: string;
  schema: AirbyteStream;
  /** How many rows the stream holds for a given config count. */
  size(count: number): number;
  /** The JSON of row `id` (1-based), given a random source seeded for that row. */
  row(id: number, random: () => number, updatedAt: string): string;
}

const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Margaret', 'Ken', 'Radia', 'Linus', 'Frances', 'John'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Hamilton', 'Thompson', 'Perlman', 'Torvalds'];
const DOMAINS = ['example.com', 'example.org', 'example.net'];
const PRODUCTS = ['lamp', 'chair', 'kettle', 'desk', 'mug', 'bicycle', 'guitar', 'notebook', 'backpack', 'clock'];
const ADJECTIVES = ['red', 'quiet', 'sturdy', 'tiny', 'vintage', 'smart', 'wooden', 'folding'];
const CATEGORIES = ['home', 'office', 'kitchen', 'outdoor', 'music'];

const pick = <T>(list: readonly T[], random: () => number): T => list[Math.floor(random() * list.length)]!;

const integer = { type: 'integer' };
const string = { type: 'string' };
const timestamp = { type: 'string', format: 'date-time', airbyte_type: 'timestamp_with_timezone' };

function streamSchema(name: string, properties: Record<string, object>): AirbyteStream {
  return {
    name,
    json_schema: { type: 'object', properties },
    supported_sync_modes: ['full_refresh', 'incremental'],
    source_defined_cursor: true,
    default_cursor_field: ['updated_at'],
    source_defined_primary_key: [['id']],
  };
}

export const fakerStreams: readonly FakerStream[] = [
  {
    name: 'users',
    schema: streamSchema('users', { id: integer, name: string, email: string, age: integer, created_at: timestamp, updated_at: timestamp }),
    size: (count) => count,
    row(id, random, updatedAt) {
      const first = pick(FIRST, random);
      const last = pick(LAST, random);
      const email = `${first.toLowerCase()}.${last.toLowerCase()}${id}@${pick(DOMAINS, random)}`;
      return `{"id":${id},"name":"${first} ${last}","email":"${email}","age":${18 + Math.floor(random() * 70)},"created_at":"${updatedAt}","updated_at":"${updatedAt}"}`;
    },
  },
  {
    name: 'products',
    schema: streamSchema('products', { id: integer, name: string, category: string, price: { type: 'number' }, updated_at: timestamp }),
    size: (count) => Math.ceil(count / 10),
    row(id, random, updatedAt) {
      const name = `${pick(ADJECTIVES, random)} ${pick(PRODUCTS, random)}`;
      const price = Math.round(random() * 100_000) / 100;
      return `{"id":${id},"name":"${name}","category":"${pick(CATEGORIES, random)}","price":${price},"updated_at":"${updatedAt}"}`;
    },
  },
  {
    name: 'purchases',
    schema: streamSchema('purchases', {
      id: integer,
      user_id: integer,
      product_id: integer,
      quantity: integer,
      purchased_at: timestamp,
      updated_at: timestamp,
    }),
    size: (count) => count,
    row(id, random, updatedAt) {
      const userId = 1 + Math.floor(random() * Math.max(1, id));
      const productId = 1 + Math.floor(random() * 50);
      return `{"id":${id},"user_id":${userId},"product_id":${productId},"quantity":${1 + Math.floor(random() * 5)},"purchased_at":"${updatedAt}","updated_at":"${updatedAt}"}`;
    },
  },
];

/** A small fast PRNG (mulberry32) seeded per row, so any row can be produced on its own. */
export function rowRandom(seed: number, streamIndex: number, id: number): () => number {
  let state = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(id, 0xc2b2ae35) ^ Math.imul(streamIndex + 1, 0x27d4eb2f)) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EPOCH_MS = Date.UTC(2024, 0, 1);

const DAY_MS = 86_400_000;
const TWO_DIGITS = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, '0'));
/** The date part (`2024-01-01T`) of the last day formatted: consecutive ids share it 86,400 times in a row. */
let cachedDay = Number.NaN;
let cachedDayPrefix = '';

/**
 * Row `id` was last updated `id` seconds after the epoch of the data set: cursors increase with ids. The text is
 * Date#toISOString's, built from the day's cached date and the time of day (toISOString on every row cost a third
 * of the connector's time).
 */
export function updatedAtOf(id: number): string {
  const ms = EPOCH_MS + id * 1000;
  const day = Math.floor(ms / DAY_MS);
  if (day !== cachedDay) {
    // toISOString writes the date (and throws for a time out of range), so years past 9999 read as it writes them.
    const iso = new Date(day * DAY_MS).toISOString();
    cachedDayPrefix = iso.slice(0, iso.indexOf('T') + 1);
    cachedDay = day;
  }
  const inDay = ms - day * DAY_MS;
  const seconds = Math.floor(inDay / 1000);
  const minutes = Math.floor(seconds / 60);
  return `${cachedDayPrefix}${TWO_DIGITS[Math.floor(minutes / 60)]}:${TWO_DIGITS[minutes % 60]}:${TWO_DIGITS[seconds % 60]}.${THREE_DIGITS[inDay % 1000]}Z`;
}

/** The first id strictly newer than a saved cursor. */
export function firstIdAfter(cursor: unknown): number {
  if (typeof cursor !== 'string') return 1;
  const ms = Date.parse(cursor);
  if (Number.isNaN(ms)) return 1;
  return Math.max(1, Math.floor((ms - EPOCH_MS) / 1000) + 1);
}
