// Owns the list of sources or destinations: name, connector and age, the way to add one, and what an empty
// workspace should do first.
import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { ago } from '../format';
import { actorKeys, listActors, type ActorKind } from './actor-api';
import { actorPath, KIND_WORDS } from './kind';
import { OutcomeNotice, useArrivalOutcome } from './Outcome';

const EXAMPLE: Record<ActorKind, string> = { source: 'source-faker', destination: 'destination-local-json' };

export function ActorList({ kind }: { kind: ActorKind }) {
  const words = KIND_WORDS[kind];
  const actors = useQuery({ queryKey: actorKeys.list(kind), queryFn: () => listActors(kind) });
  const [arrival] = useArrivalOutcome();

  return (
    <section>
      <header className="page-header">
        <h1>{words.title}</h1>
        <Link href={`${words.path}/new`} className="button primary">New {words.one}</Link>
      </header>
      <OutcomeNotice outcome={arrival} />
      {actors.isPending && <p aria-busy="true">Loading {words.title.toLowerCase()}…</p>}
      {actors.isError && <p role="alert" className="error">Could not load {words.title.toLowerCase()}: {actors.error.message}</p>}
      {actors.data && actors.data.data.length === 0 && (
        <div className="empty">
          <p>
            <strong>No {words.title.toLowerCase()} yet.</strong>{' '}
            {kind === 'source' ? 'A source is where data comes from.' : 'A destination is where data goes.'}{' '}
            <Link href={`${words.path}/new`}>Add one</Link> from the connector catalog (try <em>{EXAMPLE[kind]}</em>).
          </p>
        </div>
      )}
      {actors.data && actors.data.data.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Connector</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {actors.data.data.map((actor) => (
              <tr key={actor.id}>
                <td><Link href={actorPath(kind, actor.name)}>{actor.name}</Link></td>
                <td><code>{actor.connector}</code></td>
                <td><time dateTime={actor.createdAt} title={actor.createdAt}>{ago(actor.createdAt)}</time></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
