// Owns the webhooks section of Settings: the list (name, URL, events), adding one (its signing secret shown once,
// with how to verify a signature), sending a test notification, and removing one after a confirmation.
import { useId, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient, type UseMutationResult } from '@tanstack/react-query';
import { Dialog } from '../components/Dialog';
import { errorText } from '../lib/error-text';
import { ago } from '../format';
import { ShownOnce } from './ShownOnce';
import {
  createWebhook, deleteWebhook, isoOf, listWebhooks, settingsKeys, testWebhook, WEBHOOK_EVENTS,
  type Webhook, type WebhookEventName, type WebhookTestResult,
} from './settings-api';

export function Webhooks() {
  const webhooks = useQuery({ queryKey: settingsKeys.webhooks, queryFn: listWebhooks });
  const [adding, setAdding] = useState(false);
  const [created, setCreated] = useState<{ name: string; secret: string } | undefined>();

  return (
    <section className="settings-section">
      <header className="panel-header">
        <h2>Notification webhooks</h2>
        {!adding && <button type="button" className="primary" onClick={() => { setAdding(true); setCreated(undefined); }}>Add webhook</button>}
      </header>
      <p className="muted">
        Sluice sends a signed JSON POST to each webhook's URL when one of its events happens, for example a failed sync.
      </p>
      {created && (
        <ShownOnce title={`Webhook ${created.name} added`} label="Signing secret" copyName="Copy signing secret" value={created.secret} onDone={() => setCreated(undefined)}>
          <p>
            Use it to check that a notification comes from this Sluice. Each one is signed the{' '}
            <a href="https://www.standardwebhooks.com/" target="_blank" rel="noreferrer">Standard Webhooks</a> way: the{' '}
            <code>webhook-signature</code> header holds <code>v1,</code> and the base64 HMAC-SHA256 of{' '}
            <code>webhook-id.webhook-timestamp.body</code>, keyed by this secret (the part after <code>whsec_</code>,
            base64-decoded). The Standard Webhooks libraries check it for you given the secret as shown.
          </p>
        </ShownOnce>
      )}
      {adding && (
        <AddWebhook
          onCancel={() => setAdding(false)}
          onAdded={(name, secret) => { setAdding(false); setCreated({ name, secret }); }}
        />
      )}
      {webhooks.isPending && <p aria-busy="true">Loading webhooks…</p>}
      {webhooks.isError && <p role="alert" className="error">Could not load webhooks: {errorText(webhooks.error)}</p>}
      {webhooks.data && webhooks.data.data.length === 0 && !adding && (
        <div className="empty"><p><strong>No webhooks yet.</strong> Add one to hear when syncs start, succeed or fail.</p></div>
      )}
      {webhooks.data && webhooks.data.data.length > 0 && (
        <table className="table settings-table">
          <caption className="sr-only">Notification webhooks</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">URL</th>
              <th scope="col">Events</th>
              <th scope="col">Added</th>
              <th scope="col"><span className="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {webhooks.data.data.map((webhook) => <WebhookRow key={webhook.id} webhook={webhook} />)}
          </tbody>
        </table>
      )}
    </section>
  );
}

function WebhookRow({ webhook }: { webhook: Webhook }) {
  const [removing, setRemoving] = useState(false);
  const test = useMutation({ mutationFn: () => testWebhook(webhook.name) });
  const all = webhook.events.length === WEBHOOK_EVENTS.length;
  return (
    <tr>
      <th scope="row">{webhook.name}</th>
      <td className="url-cell"><code>{webhook.url}</code></td>
      <td>
        {all && <span className="muted small">All events: </span>}
        <ul className="event-list">{webhook.events.map((event) => <li key={event}><code>{event}</code></li>)}</ul>
      </td>
      <td><time dateTime={isoOf(webhook.createdAt)} title={isoOf(webhook.createdAt)}>{ago(isoOf(webhook.createdAt))}</time></td>
      <td className="row-actions">
        <div className="actions">
          <button type="button" onClick={() => test.mutate()} disabled={test.isPending} aria-label={`Send test to ${webhook.name}`}>
            {test.isPending ? 'Sending…' : 'Send test'}
          </button>
          <button type="button" onClick={() => setRemoving(true)} aria-label={`Remove ${webhook.name}`}>Remove</button>
        </div>
        <TestResult test={test} name={webhook.name} />
        {removing && <RemoveWebhook webhook={webhook} onClose={() => setRemoving(false)} />}
      </td>
    </tr>
  );
}

type TestMutation = UseMutationResult<WebhookTestResult, Error, void>;

function TestResult({ test, name }: { test: TestMutation; name: string }) {
  if (test.isError) return <p role="alert" className="test-result error-text">Could not send a test to {name}: {errorText(test.error)}</p>;
  if (!test.data) return <p role="status" className="test-result" />;
  const { delivered, status, error } = test.data;
  const http = status === undefined ? '' : ` (HTTP ${status})`;
  return delivered
    ? <p role="status" className="test-result ok-text">Test ping delivered to {name}{http}.</p>
    : <p role="status" className="test-result error-text">Test ping not delivered to {name}{http}{error ? `: ${error}` : '.'}</p>;
}

function AddWebhook({ onCancel, onAdded }: { onCancel: () => void; onAdded: (name: string, secret: string) => void }) {
  const queries = useQueryClient();
  const ids = { name: useId(), url: useId(), urlError: useId(), eventsError: useId(), title: useId() };
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<WebhookEventName[]>(WEBHOOK_EVENTS.map((event) => event.name));
  const [checked, setChecked] = useState(false);
  const add = useMutation({
    mutationFn: createWebhook,
    onSuccess: (webhook) => {
      queries.invalidateQueries({ queryKey: settingsKeys.webhooks });
      onAdded(webhook.name, webhook.secret);
    },
  });

  const urlProblem = /^https?:\/\/\S+$/i.test(url.trim()) ? undefined : 'Enter an http:// or https:// URL.';
  const eventsProblem = events.length === 0 ? 'Choose at least one event.' : undefined;
  const toggle = (event: WebhookEventName, on: boolean) =>
    setEvents((current) => WEBHOOK_EVENTS.map((e) => e.name).filter((e) => (e === event ? on : current.includes(e))));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setChecked(true);
    if (urlProblem || eventsProblem || name.trim() === '') return;
    add.mutate({ name: name.trim(), url: url.trim(), events });
  };

  return (
    <form className="panel settings-form" aria-labelledby={ids.title} onSubmit={submit} noValidate>
      <h3 id={ids.title}>Add a webhook</h3>
      <label htmlFor={ids.name}>Name</label>
      <input id={ids.name} value={name} onChange={(e) => setName(e.target.value)} required autoComplete="off"
        aria-invalid={checked && name.trim() === '' ? true : undefined} placeholder="ops-alerts" />
      <label htmlFor={ids.url}>URL</label>
      <input id={ids.url} type="url" value={url} onChange={(e) => setUrl(e.target.value)} required autoComplete="off"
        placeholder="https://hooks.example.com/sluice"
        aria-invalid={checked && urlProblem ? true : undefined} aria-describedby={checked && urlProblem ? ids.urlError : undefined} />
      {checked && urlProblem && <p id={ids.urlError} className="field-error">{urlProblem}</p>}
      <fieldset className="event-choice" aria-describedby={checked && eventsProblem ? ids.eventsError : undefined}>
        <legend>Events</legend>
        {WEBHOOK_EVENTS.map((event) => (
          <label key={event.name} className="inline-check">
            <input type="checkbox" checked={events.includes(event.name)} onChange={(e) => toggle(event.name, e.target.checked)} />
            <code>{event.name}</code>&nbsp;<span className="muted">— when {event.meaning}</span>
          </label>
        ))}
        {checked && eventsProblem && <p id={ids.eventsError} className="field-error">{eventsProblem}</p>}
      </fieldset>
      {checked && name.trim() === '' && <p className="field-error">Enter a name.</p>}
      {add.isError && <p role="alert" className="notice notice-error">Could not add the webhook: {errorText(add.error)}</p>}
      <div className="button-row">
        <button type="submit" disabled={add.isPending}>{add.isPending ? 'Adding…' : 'Add webhook'}</button>
        <button type="button" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}

function RemoveWebhook({ webhook, onClose }: { webhook: Webhook; onClose: () => void }) {
  const queries = useQueryClient();
  const remove = useMutation({
    mutationFn: () => deleteWebhook(webhook.name),
    // The dialog stays until the list has been read again, so the row is gone when it closes.
    onSuccess: async () => {
      await queries.invalidateQueries({ queryKey: settingsKeys.webhooks });
      onClose();
    },
  });
  return (
    <Dialog title={`Remove webhook ${webhook.name}?`} onClose={onClose}>
      <p>Sluice stops sending notifications to <code>{webhook.url}</code>. Its signing secret is deleted; adding it again gives a new one.</p>
      {remove.isError && <p role="alert" className="notice notice-error">Could not remove {webhook.name}: {errorText(remove.error)}</p>}
      <div className="button-row">
        <button type="button" className="danger" onClick={() => remove.mutate()} disabled={remove.isPending}>Remove webhook</button>
        <button type="button" onClick={onClose}>Cancel</button>
      </div>
    </Dialog>
  );
}
