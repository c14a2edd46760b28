// Placeholder: CDC reads (work in progress).
import { ConnectorError } from '../../kit/run-connector.js';
export async function readCdc(_options: unknown): Promise<void> {
  throw new ConnectorError('CDC is not implemented yet', 'config_error');
}
