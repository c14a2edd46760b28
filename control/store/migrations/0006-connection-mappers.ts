// Migration 6: a connection's mappers (issue 12): JSON of the definition keyed by stream, or NULL for none; each
// hash salt and encrypt key is stored encrypted (enc:v1:…, control/store/connection-mappers.ts).
export const name = 'connection-mappers';

export const sql = `
ALTER TABLE connections ADD COLUMN mappers TEXT;
`;
