// Owns the Settings page (/settings): notification webhooks and API tokens, each in its own section.
import { ApiTokens } from './ApiTokens';
import { Webhooks } from './Webhooks';
import './settings.css';

export function SettingsPage() {
  return (
    <div className="settings">
      <header className="page-header">
        <h1>Settings</h1>
      </header>
      <Webhooks />
      <ApiTokens />
    </div>
  );
}
