/** The live side panels: audit events and the request journal; a row's JSON opens on click. */
import type { Overview } from '../control/overview-types.js';
import type { Selected } from './detail.js';
import { abbreviatePath, shortId, timeOfDay } from './format.js';

function statusClass(status: number): string {
  return status >= 500 ? 's5' : status >= 400 ? 's4' : status >= 300 ? 's3' : 's2';
}

/** A list row that opens on click, Enter or Space (a row holds several cells, so not a <button>). */
function clickable(open: () => void) {
  return {
    role: 'button' as const,
    tabIndex: 0,
    class: 'row',
    title: 'show the JSON',
    onClick: open,
    onKeyDown: (e: KeyboardEvent) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        open();
      }
    },
  };
}

export function EventsPanel({ doc, onSelect }: { doc: Overview; onSelect: (s: Selected) => void }) {
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
            <li key={e.id} data-testid="event" {...clickable(() => onSelect({ kind: 'event', item: e }))}>
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

export function RequestsPanel({ doc, onSelect }: { doc: Overview; onSelect: (s: Selected) => void }) {
  const orgs = new Map(doc.orgs.map((o) => [o.id, o.domain]));
  return (
    <section class="panel requests" aria-label="request journal">
      <h2>Requests</h2>
      {doc.requests.length === 0 ? (
        <p class="empty">No API requests yet (the control plane's own are not listed).</p>
      ) : (
        <ol>
          {doc.requests.map((r) => (
            <li key={r.seq} data-testid="request" data-seq={r.seq} {...clickable(() => onSelect({ kind: 'request', item: r }))}>
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
                {r.mcp && (
                  <span class="mcp" data-testid="request-mcp" title="made by an MCP tool call (emulator/mcp/)">
                    MCP {r.mcp}
                  </span>
                )}
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
