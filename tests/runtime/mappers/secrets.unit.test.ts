// A definition's secrets (hash salt, encrypt key) are masked wherever it is shown, listed for redaction, and a masked
// value in an update keeps the stored one (or is refused when there is none to keep).
import { describe, expect, it } from 'vitest';
import { SluiceError } from '../../../runtime/errors.js';
import { keepMaskedMapperSecrets, mapperSecretValues, maskMapperSecrets } from '../../../runtime/mappers/secrets.js';
import { KEY, OTHER_KEY } from './fixtures.js';

const stored = {
  users: {
    on_error: 'skip',
    steps: [
      { type: 'select', fields: ['id', 'email', 'ssn'] },
      { type: 'hash', field: 'email', salt: 'pepper' },
      { type: 'encrypt', field: 'ssn', key: KEY },
      { type: 'hash', field: 'id' },
    ],
  },
};

describe('mapper secrets', () => {
  it('are masked in a copy, the rest of the definition kept', () => {
    expect(maskMapperSecrets(stored)).toEqual({
      users: {
        on_error: 'skip',
        steps: [
          { type: 'select', fields: ['id', 'email', 'ssn'] },
          { type: 'hash', field: 'email', salt: '**********' },
          { type: 'encrypt', field: 'ssn', key: '**********' },
          { type: 'hash', field: 'id' },
        ],
      },
    });
    expect(stored.users.steps[1]).toEqual({ type: 'hash', field: 'email', salt: 'pepper' });
  });

  it('are listed for redaction', () => {
    expect(mapperSecretValues(stored)).toEqual(['pepper', KEY]);
  });

  it('masked in an update keep the stored values; new values replace them', () => {
    const update = structuredClone(maskMapperSecrets(stored)) as typeof stored;
    update.users.steps[2] = { type: 'encrypt', field: 'ssn', key: OTHER_KEY };
    expect(keepMaskedMapperSecrets(update, stored)).toEqual({
      users: { ...stored.users, steps: [stored.users.steps[0], stored.users.steps[1], { type: 'encrypt', field: 'ssn', key: OTHER_KEY }, stored.users.steps[3]] },
    });
  });

  it('masked in an update with no stored step at that place to keep are refused, not saved as the mask', () => {
    const moved = { users: { steps: [{ type: 'hash', field: 'name', salt: '**********' }] } };
    expect(() => keepMaskedMapperSecrets(moved, stored)).toThrow(SluiceError);
    expect(() => keepMaskedMapperSecrets(moved, stored)).toThrow(
      'users step 1 (hash), field name: salt is masked (**********) but no stored step at this place has one to keep; give the salt again',
    );
    expect(() => keepMaskedMapperSecrets({ orders: { steps: [{ type: 'encrypt', field: 'x', key: '**********' }] } }, undefined)).toThrow(
      'orders step 1 (encrypt), field x: key is masked (**********) but no stored step at this place has one to keep; give the key again',
    );
  });
});
