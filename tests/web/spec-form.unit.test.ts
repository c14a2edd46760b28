// The config form's uiSchema and stored-secret round trip, built from Airbyte-style connector specs.
import { describe, expect, it } from 'vitest';
import {
  MASK,
  STORED_SECRET_PLACEHOLDER,
  restoreStoredSecrets,
  titleFromKey,
  takeStoredSecrets,
  uiSchemaFor,
  formSchemaFor,
} from '../../web/src/actors/spec-form.js';

const spec = {
  type: 'object',
  required: ['host', 'password'],
  properties: {
    password: { type: 'string', airbyte_secret: true, order: 2 },
    note: { type: 'string' },
    host: { type: 'string', title: 'Host name', order: 0 },
    port: { type: 'integer', default: 5432, order: 1 },
    internal_id: { type: 'string', airbyte_hidden: true },
    ssl: {
      type: 'object',
      order: 3,
      properties: {
        ca_certificate: { type: 'string', airbyte_secret: true, multiline: true },
        mode: { type: 'string', enum: ['disable', 'require'], order: 0 },
      },
    },
    replication: {
      type: 'object',
      order: 4,
      oneOf: [
        { title: 'Standard', required: ['method'], properties: { method: { type: 'string', const: 'Standard' } } },
        {
          title: 'CDC',
          required: ['method', 'slot_password'],
          properties: {
            slot: { type: 'string', order: 1 },
            method: { type: 'string', const: 'CDC', order: 0 },
            slot_password: { type: 'string', airbyte_secret: true, order: 2 },
          },
        },
      ],
    },
    tokens: { type: 'array', items: { type: 'string', airbyte_secret: true } },
  },
};

describe('the uiSchema built from a connector spec', () => {
  const ui = uiSchemaFor(spec);

  it('orders fields by their `order`, fields without one after them in their written order', () => {
    expect(ui['ui:order']).toEqual(['host', 'port', 'password', 'ssl', 'replication', 'note', 'internal_id', 'tokens', '*']);
    expect((ui['ssl'] as Record<string, unknown>)['ui:order']).toEqual(['mode', 'ca_certificate', '*']);
  });

  it('renders secrets as password inputs, multiline ones as a masked text area, and hides airbyte_hidden fields', () => {
    expect(ui['password']).toEqual({ 'ui:widget': 'password', 'ui:autocomplete': 'new-password', 'ui:title': 'Password' });
    expect((ui['ssl'] as Record<string, unknown>)['ca_certificate']).toMatchObject({ 'ui:widget': 'secretTextarea' });
    expect(ui['internal_id']).toMatchObject({ 'ui:widget': 'hidden' });
    expect(ui['tokens']).toMatchObject({ items: { 'ui:widget': 'password', 'ui:autocomplete': 'new-password' } });
  });

  it('gives each oneOf variant its own order, no heading of its own, hides the field that tells variants apart, and masks its secrets', () => {
    const variants = (ui['replication'] as { oneOf: Record<string, unknown>[] }).oneOf;
    expect(variants).toHaveLength(2);
    expect(variants[0]).toEqual({ 'ui:label': false, 'ui:order': ['method', '*'], method: { 'ui:widget': 'hidden', 'ui:title': 'Method' } });
    expect(variants[1]).toMatchObject({
      'ui:label': false,
      'ui:order': ['method', 'slot', 'slot_password', '*'],
      method: { 'ui:widget': 'hidden' },
      slot_password: { 'ui:widget': 'password' },
    });
  });

  it('leaves plain fields to the default widgets, labelled by their title or else by their key in words', () => {
    expect(ui['host']).toBeUndefined();
    expect(ui['port']).toEqual({ 'ui:title': 'Port' });
    expect(ui['internal_id']).toMatchObject({ 'ui:title': 'Internal id' });
    expect(titleFromKey('destination_path')).toBe('Destination path');
    expect(titleFromKey('recordsPerState')).toBe('Records per state');
  });
});

describe('stored secrets in the edit form', () => {
  const storedConfig = {
    host: 'db',
    password: MASK,
    ssl: { mode: 'require', ca_certificate: MASK },
    replication: { method: 'CDC', slot: 's', slot_password: MASK },
    tokens: [MASK],
  };

  it('start empty, are remembered by path, and get the "leave empty to keep" placeholder', () => {
    const { formData, stored } = takeStoredSecrets(storedConfig, spec);
    expect(formData).toEqual({ host: 'db', ssl: { mode: 'require' }, replication: { method: 'CDC', slot: 's' }, tokens: [MASK] });
    expect(stored).toEqual([['password'], ['ssl', 'ca_certificate'], ['replication', 'slot_password']]);
    const ui = uiSchemaFor(spec, stored);
    expect(ui['password']).toMatchObject({ 'ui:placeholder': STORED_SECRET_PLACEHOLDER });
    expect((ui['replication'] as { oneOf: Record<string, Record<string, unknown>>[] }).oneOf[1]!['slot_password'])
      .toMatchObject({ 'ui:placeholder': STORED_SECRET_PLACEHOLDER });
    expect(storedConfig.password).toBe(MASK);
  });

  it('go back as the mask when left empty, and as the new value when typed', () => {
    const { stored } = takeStoredSecrets(storedConfig, spec);
    const edited = { host: 'db2', password: 'new-secret', ssl: { mode: 'require' }, replication: { method: 'CDC', slot: 's', slot_password: '' } };
    expect(restoreStoredSecrets(edited, stored, spec)).toEqual({
      host: 'db2',
      password: 'new-secret',
      ssl: { mode: 'require', ca_certificate: MASK },
      replication: { method: 'CDC', slot: 's', slot_password: MASK },
    });
  });

  it('are not sent when their object was replaced by another oneOf variant', () => {
    const { stored } = takeStoredSecrets(storedConfig, spec);
    expect(restoreStoredSecrets({ host: 'db', password: 'p', replication: { method: 'Standard' } }, stored, spec)).toEqual({
      host: 'db', password: 'p', replication: { method: 'Standard' },
    });
  });

  it('are no longer required, so an empty input validates', () => {
    const { stored } = takeStoredSecrets(storedConfig, spec);
    const relaxed = formSchemaFor(spec, stored) as typeof spec;
    expect(relaxed.required).toEqual(['host']);
    expect(relaxed.properties.replication.oneOf[1]!.required).toEqual(['method']);
    expect(spec.required).toEqual(['host', 'password']);
  });

  it('are left alone when no secret was stored', () => {
    const { formData, stored } = takeStoredSecrets({ host: 'db' }, spec);
    expect(stored).toEqual([]);
    expect(restoreStoredSecrets(formData, stored, spec)).toEqual({ host: 'db' });
  });
});
