// Owns creating a source or destination: pick a connector (kept in the URL, so Back returns to the catalog), fill
// the form its spec describes, then Test (the connector's check on the form's config, nothing saved) or Save (the
// server runs the check again and refuses to create the actor when it fails: 422, the connector's own message).
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useLocation, useSearch } from 'wouter';
import { ApiError, enc } from '../api';
import { CHECK_FAILED, actorKeys, checkNewActor, createActor, getSpec, type ActorDraft, type ActorKind } from './actor-api';
import { ActorEditor } from './ActorEditor';
import { ConnectorPicker } from './ConnectorPicker';
import { actorPath, KIND_WORDS } from './kind';
import { checkOutcome, failure, OutcomeNotice, withOutcome, type Outcome } from './Outcome';

export function NewActor({ kind }: { kind: ActorKind }) {
  const words = KIND_WORDS[kind];
  const connector = new URLSearchParams(useSearch()).get('connector');
  const [, navigate] = useLocation();
  return (
    <section>
      <header className="page-header">
        <div>
          <h1>New {words.one}</h1>
          {connector && (
            <p className="muted">
              Connector <code>{connector}</code> · <Link href={`${words.path}/new`}>Choose another connector</Link>
            </p>
          )}
        </div>
      </header>
      {connector === null
        ? <ConnectorPicker kind={kind} onPick={(ref) => navigate(`${words.path}/new?connector=${enc(ref)}`)} />
        : <NewActorForm key={connector} kind={kind} connector={connector} />}
    </section>
  );
}

function NewActorForm({ kind, connector }: { kind: ActorKind; connector: string }) {
  const words = KIND_WORDS[kind];
  const queries = useQueryClient();
  const [, navigate] = useLocation();
  const spec = useQuery({ queryKey: ['spec', connector], queryFn: () => getSpec(connector), staleTime: 60_000 });
  const [skipCheck, setSkipCheck] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>();

  const create = useMutation({
    mutationFn: ({ draft, check }: { draft: ActorDraft; check: boolean }) => createActor(kind, draft, check),
    onMutate: () => setOutcome(undefined),
    onSuccess: (actor, { check }) => {
      queries.invalidateQueries({ queryKey: actorKeys.list(kind), exact: true });
      navigate(actorPath(kind, actor.name), withOutcome({ tone: 'ok', title: check ? 'Saved; the check SUCCEEDED' : 'Saved without a check' }));
    },
    onError: (error) => setOutcome(error instanceof ApiError && error.code === CHECK_FAILED
      // The API's own hint (?check=false, --no-check) is for API and CLI users: this page says it in its own terms.
      ? failure(`Check FAILED: the ${words.one} was not saved`, error, 'Fix the configuration, or tick “Skip the connection check” to save it anyway.')
      : failure('Could not save', error)),
  });

  const test = useMutation({
    mutationFn: (draft: ActorDraft) => checkNewActor(kind, draft),
    onMutate: () => setOutcome(undefined),
    onSuccess: (result) => setOutcome(checkOutcome(result, {
      succeeded: `Not saved yet: press Save to keep this ${words.one}.`,
      failed: 'Fix the configuration and press Test again.',
    })),
    onError: (error) => setOutcome(failure('Could not test', error)),
  });
  const busy = create.isPending || test.isPending;

  if (spec.isPending) return <p aria-busy="true">Loading the connector's specification…</p>;
  if (spec.isError) return <p role="alert" className="error">Could not load the specification of {connector}: {spec.error.message}</p>;

  return (
    <>
      {spec.data.documentationUrl && (
        <p><a href={spec.data.documentationUrl} target="_blank" rel="noreferrer">Documentation of {connector}</a></p>
      )}
      <ActorEditor
        kind={kind}
        connector={connector}
        spec={spec.data}
        busy={busy}
        onSave={(draft) => create.mutate({ draft, check: !skipCheck })}
        actions={({ validDraft }) => (
          <>
            <label className="inline-check">
              <input type="checkbox" checked={skipCheck} onChange={(event) => setSkipCheck(event.target.checked)} />
              Skip the connection check when saving
            </label>
            <div className="button-row">
              <button
                type="button"
                disabled={busy}
                onClick={() => {
                  const draft = validDraft();
                  if (draft) test.mutate(draft);
                }}
              >
                Test
              </button>
              <button type="submit" disabled={busy}>Save</button>
              {busy && (
                <span role="status" className="muted">
                  {test.isPending || create.variables?.check ? 'Running the connector’s check…' : 'Saving…'}
                </span>
              )}
            </div>
            <OutcomeNotice outcome={outcome} />
          </>
        )}
      />
    </>
  );
}
