// Migration 3: each webhook's signing secret (`whsec_…`, Standard Webhooks), encrypted like other secrets.
// Webhooks created before it have none and are delivered unsigned, with a warning, until recreated.
export const name = 'webhook-secrets';

export const sql = `
ALTER TABLE webhooks ADD COLUMN secret TEXT;
`;
