/** The live side panels: audit events, the request journal, fault rules. */
import type { Overview, OverviewFault } from '../control/overview-types.js';
import { abbreviatePath, shortId, timeOfDay } from './format.js';

function statusClass(status: number): string {
  return status >= 500 ? 's5' : status >= 400 ? 's4' : status >= 300 ? 's3' : 's2';
}

export function EventsPanel({ doc }: { doc: Overview }) {
  const orgs = new Map(doc.orgs.map((o) => [o.id, o.domain]));
  const workspaces = new Map(doc.orgs.flatMap((o) => o.workspaces.map((w) => [w.id, w.name] as const)));
  return (
    <section class="panel events" aria-label="event stream">
      <h2>
        Events <span class="count">{doc.totals.events}</span>
      </h2>
      {doc.events.length === 0 ? (
        <p class="empty">No audit events yet.</p>
      ) : (
        <ol>
          {doc.events.map((e) => (
            <li key={e.id} data-testid="event">
              <time>{timeOfDay(e.created)}</time>
              <span class="event-name">{e.event}</span>
              <span class="where">
                {e.org_id && (orgs.get(e.org_id) ?? shortId(e.org_id))}
                {e.workspace_id && ` / ${workspaces.get(e.workspace_id) ?? shortId(e.workspace_id)}`}
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

export function RequestsPanel({ doc }: { doc: Overview }) {
  const orgs = new Map(doc.orgs.map((o) => [o.id, o.domain]));
  return (
    <section class="panel requests" aria-label="request journal">
      <h2>Requests</h2>
      {doc.requests.length === 0 ? (
        <p class="empty">No API requests yet (the control plane's own are not listed).</p>
      ) : (
        <ol>
          {doc.requests.map((r) => (
            <li key={r.seq} data-testid="request">
              <time>{timeOfDay(r.time)}</time>
              <span class={`m m-${r.method.toLowerCase()}`}>{r.method}</span>
              <span class="p" title={r.path}>
                {abbreviatePath(r.path)}
              </span>
              <span class="st">
                <span class={`status ${statusClass(r.status)}`}>{r.status}</span>
                {r.faults.length > 0 && (
                  <span class="fault" title={`fault ${r.faults.join(', ')}`}>
                    ⚡
                  </span>
                )}
              </span>
              <span class="ms">{r.latency_ms < 10 ? r.latency_ms.toFixed(1) : Math.round(r.latency_ms)} ms</span>
              <span class="who">
                {r.org_id && <span title={r.org_id}>{orgs.get(r.org_id) ?? `org ${shortId(r.org_id)}`}</span>}
                {r.user_id && <span title={r.user_id}>user {shortId(r.user_id)}</span>}
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function describeFault(f: OverviewFault): string {
  const what = [f.status !== null ? `${f.status}/${f.code}` : '', f.delay_ms !== null ? `+${f.delay_ms} ms` : ''].filter(Boolean).join(' ');
  return what;
}

export function FaultsPanel({ faults }: { faults: OverviewFault[] }) {
  if (faults.length === 0) return null;
  return (
    <section class="panel faults" aria-label="fault rules">
      <h2>Fault rules</h2>
      <ul>
        {faults.map((f) => (
          <li key={f.id} class={f.active ? 'active' : 'spent'} data-testid="fault">
            <code>
              {f.method ?? '*'} {f.path ?? '**'}
            </code>{' '}
            <span class="what">{describeFault(f)}</span>
            {f.probability < 1 && <span> p={f.probability}</span>}
            {f.org_id && <span> org …{f.org_id.slice(-6)}</span>}
            <span class="hits">
              {f.hits}
              {f.times !== null ? `/${f.times}` : ''} hits
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
