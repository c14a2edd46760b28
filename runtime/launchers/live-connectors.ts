// Owns the list of connectors running in this Sluice process, whatever launched them (process group, container),
// so that a forced stop (a second Ctrl-C or SIGTERM) can end them all at once and say which they were.
export interface LiveConnector {
  /** How the connector is named in messages. */
  readonly name: string;
  /** Ends it now (SIGKILL, container removal); resolves once the order is given. */
  kill(): Promise<void> | void;
}

const live = new Set<LiveConnector>();

/** Adds a started connector; returns the function that removes it once it has exited. */
export function registerLiveConnector(connector: LiveConnector): () => void {
  live.add(connector);
  return () => live.delete(connector);
}

/** Kills every connector still running, waiting at most `timeoutMs` for the orders to be given; returns their names. */
export async function killLiveConnectors(timeoutMs: number): Promise<string[]> {
  const victims = [...live];
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.allSettled(victims.map(async (connector) => connector.kill())),
    new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs))),
  ]);
  clearTimeout(timer);
  return victims.map((connector) => connector.name);
}
