// Owns one stored source or destination: its config form prefilled (secrets stay on the server: they arrive masked
// and go back masked unless retyped), Save (PATCH), Test (the connector's check with the form's config, unsaved
// changes included, nothing saved), and Delete, which the API refuses while a connection uses the actor.
import { useRef, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useLocation } from 'wouter';
import { ApiError } from '../api';
import { ago } from '../format';
import type { Actor } from '../types';
import { CHECK_FAILED, actorKeys, checkActor, deleteActor, getActor, getSpec, updateActor, type ActorDraft, type ActorKind } from './actor-api';
import { ActorEditor } from './ActorEditor';
import { actorPath, KIND_WORDS } from './kind';
import { checkOutcome, failure, OutcomeNotice, useArrivalOutcome, withOutcome } from './Outcome';

export function ActorPage({ kind, name }: { kind: ActorKind; name: string }) {
  const words = KIND_WORDS[kind];
  const actor = useQuery({ queryKey: actorKeys.one(kind, name), queryFn: () => getActor(kind, name) });
  if (actor.isPending) return <p aria-busy="true">Loading {words.one} {name}…</p>;
  if (actor.isError) return <p role="alert" className="error">Could not load {words.one} {name}: {actor.error.message}</p>;
  return <ActorDetails kind={kind} actor={actor.data} />;
}

function ActorDetails({ kind, actor }: { kind: ActorKind; actor: Actor }) {
  const words = KIND_WORDS[kind];
  const queries = useQueryClient();
  const [, navigate] = useLocation();
  const [outcome, setOutcome] = useArrivalOutcome();
  const [dirty, setDirty] = useState(false);
  const spec = useQuery({ queryKey: ['spec', actor.connector], queryFn: () => getSpec(actor.connector), staleTime: 60_000 });

  const save = useMutation({
    mutationFn: (draft: ActorDraft) => updateActor(kind, actor.name, { name: draft.name, config: draft.config }),
    onMutate: () => setOutcome(undefined),
    onSuccess: (updated) => {
      queries.invalidateQueries({ queryKey: actorKeys.list(kind), exact: true });
      if (updated.name !== actor.name) {
        navigate(actorPath(kind, updated.name), { replace: true, ...withOutcome({ tone: 'ok', title: 'Saved' }) });
        return;
      }
      queries.setQueryData(actorKeys.one(kind, actor.name), updated);
      setOutcome({ tone: 'ok', title: 'Saved' });
    },
    onError: (error) => setOutcome(error instanceof ApiError && error.code === CHECK_FAILED
      // The connector's message, and what to do in this page's terms (the API's hint speaks of ?check=false).
      ? failure('Check FAILED: the changes were not saved', error, 'Fix the configuration and save again.')
      : failure('Could not save', error)),
  });

  const check = useMutation({
    // Unsaved changes are what the person wants to know about: they are tested, not saved.
    mutationFn: (draft: ActorDraft | undefined) => checkActor(kind, actor.name, draft?.config),
    onMutate: () => setOutcome(undefined),
    onSuccess: (result, draft) => setOutcome(checkOutcome(result, draft === undefined ? {} : {
      succeeded: 'Tested with your unsaved changes: press Save to keep them.',
      failed: 'Tested with your unsaved changes, which are not saved.',
    })),
    onError: (error) => setOutcome(failure('Could not run the check', error)),
  });

  return (
    <section>
      <header className="page-header">
        <div>
          <h1>{actor.name}</h1>
          <p className="muted">
            {words.one} · connector <code>{actor.connector}</code> · created{' '}
            <time dateTime={actor.createdAt} title={actor.createdAt}>{ago(actor.createdAt)}</time>
          </p>
        </div>
        <div className="button-row">
          <DeleteActor kind={kind} actor={actor} />
        </div>
      </header>
      {check.isPending && <p role="status" className="muted">Running the connector’s check…</p>}
      <OutcomeNotice outcome={outcome} />
      {spec.isPending && <p aria-busy="true">Loading the connector's specification…</p>}
      {spec.isError && (
        <p role="alert" className="error">Could not load the specification of {actor.connector}, so the config cannot be edited here: {spec.error.message}</p>
      )}
      {spec.data && (
        <ActorEditor
          // A fresh form after every save: stored secrets are masked again and typed ones are gone from the page.
          key={actor.updatedAt}
          kind={kind}
          connector={actor.connector}
          spec={spec.data}
          actor={actor}
          busy={save.isPending}
          onSave={(draft) => save.mutate(draft)}
          onDirtyChange={setDirty}
          actions={({ validDraft }) => (
            <div className="button-row">
              <button
                type="button"
                disabled={check.isPending}
                onClick={() => {
                  if (!dirty) return check.mutate(undefined);
                  const draft = validDraft();
                  if (draft) check.mutate(draft);
                }}
              >
                Test
              </button>
              <button type="submit" disabled={save.isPending}>Save</button>
            </div>
          )}
        />
      )}
    </section>
  );
}

function DeleteActor({ kind, actor }: { kind: ActorKind; actor: Actor }) {
  const words = KIND_WORDS[kind];
  const dialog = useRef<HTMLDialogElement>(null);
  const queries = useQueryClient();
  const [, navigate] = useLocation();
  const remove = useMutation({
    mutationFn: () => deleteActor(kind, actor.name),
    onSuccess: () => {
      // The query of the deleted actor is left to expire: removing it while this page shows would refetch it (404).
      queries.invalidateQueries({ queryKey: actorKeys.list(kind), exact: true });
      navigate(words.path, withOutcome({ tone: 'ok', title: `Deleted ${words.one} ${actor.name}` }));
    },
  });
  const close = () => {
    remove.reset();
    dialog.current?.close();
  };
  return (
    <>
      <button type="button" className="danger" onClick={() => dialog.current?.showModal()}>Delete</button>
      <dialog ref={dialog} aria-labelledby="delete-title" className="confirm" onClose={() => remove.reset()}>
        <h2 id="delete-title">Delete {words.one} {actor.name}?</h2>
        <p>Its configuration, stored secrets included, is removed. This cannot be undone.</p>
        {remove.isError && <OutcomeNotice outcome={failure(`Could not delete ${actor.name}`, remove.error)} />}
        <div className="button-row">
          <button type="button" className="danger" onClick={() => remove.mutate()} disabled={remove.isPending}>Confirm deletion</button>
          <button type="button" onClick={close}>Cancel</button>
        </div>
      </dialog>
    </>
  );
}
