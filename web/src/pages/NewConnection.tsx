// Owns creating a connection: pick a source and a destination, discover the source's streams and choose them with
// their modes, set the schedule, namespace, prefix and schema-change policy, then POST /connections and go to the
// new connection's page; the API's refusal is shown as it came.
import { useEffect, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useLocation } from 'wouter';
import { enc, get } from '../api';
import { errorText } from '../lib/error-text';
import { ScheduleFields } from '../components/ScheduleFields';
import { StreamPicker } from '../components/StreamPicker';
import { SchemaChangePolicySelect } from '../components/SchemaChangePolicySelect';
import { createConnection, discoverSource, listDestinations, listSources, type Actor } from '../lib/connection-api';
import { DEFAULT_SCHEDULE_INPUT, scheduleProblem, scheduleString, type ScheduleInput } from '../lib/schedule-input';
import { choiceProblems, defaultChoice, streamKey, streamsRequest, syncModeOptions, type DiscoveredStream, type StreamChoice } from '../lib/sync-modes';

export function NewConnection() {
  const [, navigate] = useLocation();
  const queries = useQueryClient();
  const sources = useQuery({ queryKey: ['sources'], queryFn: listSources });
  const destinations = useQuery({ queryKey: ['destinations'], queryFn: listDestinations });

  const [name, setName] = useState('');
  const [nameTouched, setNameTouched] = useState(false);
  const [source, setSource] = useState('');
  const [destination, setDestination] = useState('');
  const [streams, setStreams] = useState<DiscoveredStream[]>();
  const [choices, setChoices] = useState<Record<string, StreamChoice>>({});
  const [schedule, setSchedule] = useState<ScheduleInput>(DEFAULT_SCHEDULE_INPUT);
  const [namespace, setNamespace] = useState('');
  const [prefix, setPrefix] = useState('');
  const [policy, setPolicy] = useState('ignore');

  const destinationActor = destinations.data?.data.find((actor) => actor.name === destination);
  const destinationModes = useDestinationModes(destinationActor);

  // The destination's accepted modes may arrive (or change) after discovery: a mode it does not accept falls back
  // to the stream's default among those it does.
  useEffect(() => {
    if (!streams) return;
    setChoices((current) => Object.fromEntries(streams.map((stream) => {
      const key = streamKey(stream);
      const choice = current[key] ?? defaultChoice(stream, destinationModes);
      const offered = syncModeOptions(stream, destinationModes).some((option) => option.value === choice.mode);
      return [key, offered ? choice : { ...choice, mode: defaultChoice(stream, destinationModes).mode }];
    })));
  }, [destinationModes, streams]);

  const discover = useMutation({
    mutationFn: () => discoverSource(source),
    onSuccess: ({ catalog }) => {
      setStreams(catalog.streams);
      setChoices(Object.fromEntries(catalog.streams.map((stream) => [streamKey(stream), defaultChoice(stream, destinationModes)])));
    },
  });
  const create = useMutation({
    mutationFn: () => {
      const schedulePart = scheduleString(schedule);
      return createConnection({
        name: name.trim(), source, destination, ...streamsRequest(streams ?? [], choices),
        schedule: schedulePart ?? null, namespace: namespace.trim() || undefined, streamPrefix: prefix.trim() || undefined, schemaChangePolicy: policy,
      });
    },
    onSuccess: async (connection) => {
      await queries.invalidateQueries({ queryKey: ['connections'] });
      navigate(`/connections/${enc(connection.name)}`);
    },
  });

  const suggestName = (nextSource: string, nextDestination: string) => {
    if (!nameTouched && nextSource && nextDestination) setName(`${nextSource}-to-${nextDestination}`);
  };
  const pickSource = (value: string) => {
    setSource(value);
    setStreams(undefined);
    discover.reset();
    suggestName(value, destination);
  };
  const pickDestination = (value: string) => {
    setDestination(value);
    suggestName(source, value);
  };

  const problems = [
    ...(name.trim() === '' ? ['Give the connection a name.'] : []),
    ...(!source || !destination ? ['Pick a source and a destination.'] : []),
    ...(streams === undefined ? ['Discover the source’s streams and pick some.'] : []),
    ...(streams !== undefined && !Object.values(choices).some((choice) => choice.selected) ? ['Select at least one stream.'] : []),
    ...(streams ?? []).flatMap((stream) => choiceProblems(stream, choices[streamKey(stream)]!)),
    ...(scheduleProblem(schedule) ? ['Fix the schedule.'] : []),
  ];

  function submit(event: FormEvent) {
    event.preventDefault();
    if (problems.length === 0) create.mutate();
  }

  if (sources.isError || destinations.isError) {
    return <p role="alert" className="error">Could not load sources and destinations: {(sources.error ?? destinations.error)!.message}</p>;
  }
  return (
    <section>
      <header className="page-header">
        <h1>New connection</h1>
      </header>
      <form onSubmit={submit} className="form" aria-label="New connection">
        <fieldset className="fieldset">
          <legend>Source and destination</legend>
          <div className="field-row">
            <ActorSelect label="Source" kind="sources" actors={sources.data?.data} value={source} onChange={pickSource} />
            <ActorSelect label="Destination" kind="destinations" actors={destinations.data?.data} value={destination} onChange={pickDestination} />
          </div>
          <label htmlFor="connection-name">Connection name</label>
          <input id="connection-name" value={name} pattern="[A-Za-z0-9][A-Za-z0-9._\-]{0,99}" aria-describedby="connection-name-help" required
            onChange={(event) => { setName(event.target.value); setNameTouched(true); }} />
          <p id="connection-name-help" className="muted small">Letters, digits, “.”, “_” and “-”, starting with a letter or digit.</p>
        </fieldset>

        <fieldset className="fieldset">
          <legend>Streams</legend>
          <p>
            <button type="button" onClick={() => discover.mutate()} disabled={!source || discover.isPending}>
              {discover.isPending ? 'Discovering streams…' : streams ? 'Discover streams again' : 'Discover streams'}
            </button>
            {!source && <span className="muted"> Pick a source first.</span>}
          </p>
          {discover.isError && <p role="alert" className="error">Could not discover the streams of {source}: {errorText(discover.error)}</p>}
          {streams && streams.length === 0 && <p className="muted">The source offers no streams.</p>}
          {streams && streams.length > 0 && (
            <StreamPicker streams={streams} choices={choices} destinationModes={destinationModes}
              onChange={(key, choice) => setChoices((current) => ({ ...current, [key]: choice }))}
              onSelectAll={(selected) => setChoices((current) => Object.fromEntries(Object.entries(current).map(([key, choice]) => [key, { ...choice, selected }])))} />
          )}
        </fieldset>

        <ScheduleFields value={schedule} onChange={setSchedule} />

        <fieldset className="fieldset">
          <legend>Destination naming and schema changes</legend>
          <div className="field-row">
            <div>
              <label htmlFor="namespace">Destination namespace</label>
              <input id="namespace" value={namespace} placeholder="as the source says" aria-describedby="namespace-help" onChange={(event) => setNamespace(event.target.value)} />
              <p id="namespace-help" className="muted small">The schema or folder the streams are written into; empty keeps the source’s.</p>
            </div>
            <div>
              <label htmlFor="prefix">Stream prefix</label>
              <input id="prefix" value={prefix} placeholder="none" aria-describedby="prefix-help" onChange={(event) => setPrefix(event.target.value)} />
              <p id="prefix-help" className="muted small">Put before each stream’s name in the destination, e.g. <code>faker_</code>.</p>
            </div>
          </div>
          <SchemaChangePolicySelect id="policy" value={policy} onChange={setPolicy} />
        </fieldset>

        {problems.length > 0 && (
          <ul className="muted small" aria-label="Still needed">
            {problems.map((problem) => <li key={problem}>{problem}</li>)}
          </ul>
        )}
        {create.isError && <p role="alert" className="error">Could not create the connection: {errorText(create.error)}</p>}
        <div className="actions">
          <button type="submit" disabled={problems.length > 0 || create.isPending}>{create.isPending ? 'Creating…' : 'Create connection'}</button>
          <Link href="/" className="button">Cancel</Link>
        </div>
      </form>
    </section>
  );
}

function ActorSelect({ label, kind, actors, value, onChange }: {
  label: string; kind: 'sources' | 'destinations'; actors: Actor[] | undefined; value: string; onChange: (value: string) => void;
}) {
  const id = `pick-${kind}`;
  return (
    <div>
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value)} disabled={actors === undefined} required>
        <option value="">{actors === undefined ? 'Loading…' : `Pick a ${label.toLowerCase()}…`}</option>
        {actors?.map((actor) => <option key={actor.name} value={actor.name}>{actor.name} ({actor.connector})</option>)}
      </select>
      {actors?.length === 0 && (
        <p className="muted small">No {kind} yet: <Link href={`/${kind}/new`}>add one</Link>.</p>
      )}
    </div>
  );
}

/** The destination sync modes the destination's connector accepts, when its spec says (else every mode is offered). */
function useDestinationModes(destination: Actor | undefined): string[] | undefined {
  const spec = useQuery({
    queryKey: ['connector-spec', destination?.connector],
    queryFn: () => get<{ supported_destination_sync_modes?: string[] }>(`/connectors/spec?connector=${enc(destination!.connector)}`),
    enabled: destination !== undefined,
    staleTime: Infinity,
  });
  return spec.data?.supported_destination_sync_modes;
}
