// Migration 9: worker labels. A connection may require a label (its runs go to that label's queue, taken only by
// workers started with the label); a worker records the labels it was started with, for `sluice workers`.
export const name = 'worker-labels';

export const sql = `
ALTER TABLE connections ADD COLUMN worker_label TEXT;
ALTER TABLE workers ADD COLUMN labels TEXT NOT NULL DEFAULT '[]';
`;
