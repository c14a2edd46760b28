// Owns the dashboard's frame: the navigation, the routes, and the sign-in page shown whenever the API says the
// session is missing.
import { useEffect, useState } from 'react';
import { Link, Route, Switch, useLocation } from 'wouter';
import { onUnauthorized } from './api';
import { Overview } from './pages/Overview';
import { SignIn } from './pages/SignIn';
import { NotFound } from './pages/NotFound';
import { NewConnection } from './pages/NewConnection';
import { ConnectionPage } from './pages/ConnectionPage';
import { ActorList } from './actors/ActorList';
import { NewActor } from './actors/NewActor';
import { ActorPage } from './actors/ActorPage';
import { SettingsPage } from './settings/SettingsPage';
import { SignOut } from './components/SignOut';

const SECTIONS = [
  { href: '/', label: 'Connections' },
  { href: '/sources', label: 'Sources' },
  { href: '/destinations', label: 'Destinations' },
  { href: '/settings', label: 'Settings' },
];

export function App() {
  const [signedOut, setSignedOut] = useState(false);
  useEffect(() => onUnauthorized(() => setSignedOut(true)), []);
  if (signedOut) return <SignIn onSignedIn={() => setSignedOut(false)} />;
  return (
    <div className="frame">
      <nav className="sidebar" aria-label="Main">
        <div className="brand">Sluice</div>
        <ul>
          {SECTIONS.map((section) => (
            <li key={section.href}>
              <NavLink href={section.href}>{section.label}</NavLink>
            </li>
          ))}
        </ul>
        <SignOut />
      </nav>
      <main className="content">
        <Switch>
          <Route path="/" component={Overview} />
          <Route path="/connections/new" component={NewConnection} />
          <Route path="/connections/:name" component={ConnectionPage} />
          <Route path="/sources">{() => <ActorList kind="source" />}</Route>
          <Route path="/sources/new">{() => <NewActor kind="source" />}</Route>
          <Route path="/sources/:name">{(params) => <ActorPage key={params.name} kind="source" name={params.name} />}</Route>
          <Route path="/destinations">{() => <ActorList kind="destination" />}</Route>
          <Route path="/destinations/new">{() => <NewActor kind="destination" />}</Route>
          <Route path="/destinations/:name">{(params) => <ActorPage key={params.name} kind="destination" name={params.name} />}</Route>
          <Route path="/settings" component={SettingsPage} />
          <Route component={NotFound} />
        </Switch>
      </main>
    </div>
  );
}

function NavLink({ href, children }: { href: string; children: string }) {
  const [location] = useLocation();
  const active = href === '/' ? location === '/' || location.startsWith('/connections') : location.startsWith(href);
  return (
    <Link href={href} className={active ? 'active' : undefined} aria-current={active ? 'page' : undefined}>
      {children}
    </Link>
  );
}
