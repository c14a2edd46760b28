// Where a PostgreSQL workspace is, as Sluice names it in messages and logs (a worker's start-up line, a refused schema):
// the URL without any secret, whether the password is in its user part or in a query parameter.
import { describe, expect, it } from 'vitest';
import { PostgresDriver } from '../../dist/control/store/postgres-driver.js';

describe('a PostgreSQL workspace location', () => {
  it('masks the password and the secret query parameters, keeping the rest', async () => {
    const driver = new PostgresDriver('postgres://ann:s3cret-user@db.example:5433/sluice?sslmode=require&password=s3cret-query&sslpassword=s3cret-key&sslkey=%2Fkeys%2Fann.key', 'sluice');
    try {
      expect(driver.location).not.toMatch(/s3cret|ann\.key/);
      expect(driver.location).toBe('postgres://ann:***@db.example:5433/sluice?sslmode=require&password=***&sslpassword=***&sslkey=***');
    } finally {
      await driver.close();
    }
  });
});
