/** The dashboard: a header with the clock and totals, the tenants, and the live side panels. */
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import type { Overview } from '../control/overview-types.js';
import { ClockActions, PersonaMaker, ResetButton } from './actions.js';
import { EventsPanel, RequestsPanel } from './activity.js';
import { Detail, type Selected } from './detail.js';
import { FaultsPanel } from './faults.js';
import { offset, utc } from './format.js';
import { useOverview, type Connection } from './live.js';
import { OrgCard } from './tenants.js';

/** Orgs start expanded when there are this many or fewer (a demo scenario); collapsed beyond. */
const EXPAND_UP_TO = 8;

/** The header's counts, in order. */
const TOTALS: readonly (readonly [keyof Overview['totals'], string])[] = [
  ['orgs', 'tenants'],
  ['workspaces', 'workspaces'],
  ['users', 'users'],
  ['files', 'files'],
  ['events', 'events'],
];

function Clock({ clock }: { clock: Overview['clock'] }) {
  const base = useMemo(() => ({ server: Date.parse(clock.now), local: performance.now() }), [clock.now]);
  const [, tick] = useState(0);
  useEffect(() => {
    const t = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(t);
  }, []);
  const now = base.server + (performance.now() - base.local);
  return (
    <div class={`clock ${clock.offset_ms > 0 ? 'shifted' : ''}`} data-testid="clock" title="The emulator clock: moved with POST /_emulator/clock/advance">
      <span class="clock-time">{utc(now)}</span>
      <span class="clock-offset">{offset(clock.offset_ms)}</span>
    </div>
  );
}

function ConnectionDot({ connection, error }: { connection: Connection; error: string | undefined }) {
  const label = connection === 'live' ? 'live' : connection === 'offline' ? 'reconnecting' : 'connecting';
  return (
    <span class={`connection ${connection}`} data-testid="connection" title={error ?? 'updates arrive without a reload'}>
      <span class="dot" /> {label}
    </span>
  );
}

function useDebounced(value: string, ms: number): string {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

function Empty({ filtered }: { filtered: boolean }) {
  if (filtered) return <p class="empty big">No tenant matches the filter.</p>;
  const base = location.origin;
  return (
    <div class="empty big" data-testid="no-tenants">
      <p>No tenants yet. Make a persona and an organization, and they appear here:</p>
      <pre>
        {`curl -s -X POST ${base}/_emulator/users/ -d account_type=agent
curl -s -X POST ${base}/current/org/create/ -H "Authorization: Bearer $API_KEY" \\
     -d domain=acme -d name="Acme Inc"`}
      </pre>
    </div>
  );
}

export function App() {
  const [filter, setFilter] = useState('');
  const q = useDebounced(filter.trim(), 250);
  const { doc, connection, error } = useOverview(q);
  const [toggled, setToggled] = useState<Record<string, boolean>>({});
  const [selected, setSelected] = useState<Selected | undefined>(undefined);
  const closeDetail = useCallback(() => setSelected(undefined), []);

  if (!doc) {
    return (
      <main class="boot">
        <p>{connection === 'offline' ? `Cannot reach the emulator: ${error ?? ''}` : 'Connecting to the emulator…'}</p>
      </main>
    );
  }
  const expandByDefault = doc.orgs_total <= EXPAND_UP_TO;
  const isOpen = (id: string) => toggled[id] ?? expandByDefault;
  const t = doc.totals;

  return (
    <div class="layout">
      <header class="top">
        <div class="brand">
          <strong>fastio-emulator</strong> <span class="version">{doc.version}</span>{' '}
          <span class="dialect" data-testid="api-dialect" title="API dialect (--api-dialect)">
            API {doc.api_dialect}
          </span>
        </div>
        <Clock clock={doc.clock} />
        <ClockActions />
        <div class="totals" data-testid="totals">
          {TOTALS.map(([key, label]) => (
            <span key={key}>
              <b>{t[key]}</b> {label}
            </span>
          ))}
        </div>
        <ConnectionDot connection={connection} error={error} />
        <ResetButton />
      </header>
      <main class="tenants" aria-label="tenants">
        <div class="toolbar">
          <h2>Tenants</h2>
          <input
            type="search"
            placeholder="Filter by domain, name or id"
            value={filter}
            onInput={(e) => setFilter((e.target as HTMLInputElement).value)}
            aria-label="filter tenants"
          />
          {doc.orgs.length < doc.orgs_total && (
            <span class="shown">
              newest {doc.orgs.length} of {doc.orgs_total}
            </span>
          )}
        </div>
        {doc.orgs.length === 0 ? (
          <Empty filtered={q !== ''} />
        ) : (
          doc.orgs.map((org) => <OrgCard key={org.id} org={org} open={isOpen(org.id)} onToggle={() => setToggled({ ...toggled, [org.id]: !isOpen(org.id) })} />)
        )}
      </main>
      <aside class="side">
        <PersonaMaker />
        <FaultsPanel faults={doc.faults} />
        <EventsPanel doc={doc} onSelect={setSelected} />
        <RequestsPanel doc={doc} onSelect={setSelected} />
      </aside>
      {selected && <Detail selected={selected} onClose={closeDetail} />}
    </div>
  );
}
