/** Tenants (orgs) -> workspaces -> members and files, with a credit gauge per org. */
import type { OverviewCredits, OverviewFile, OverviewOrg, OverviewPerson, OverviewShare, OverviewWorkspace } from '../control/overview-types.js';
import { bytes, credits as fmtCredits, date, percentUsed } from './format.js';

const AI_STATE_ORDER = ['ready', 'in_progress', 'pending', 'failed', 'disabled'];

export function CreditGauge({ credits }: { credits: OverviewCredits }) {
  if (credits.used === null) {
    return (
      <div class="gauge" data-testid="credit-gauge">
        <div class="gauge-label">Credits unavailable{credits.error ? `: ${credits.error}` : ''}</div>
      </div>
    );
  }
  const { used, limit } = credits;
  const unlimited = limit === null;
  const pct = unlimited ? 0 : limit === 0 ? 100 : Math.min(100, (used / limit) * 100);
  const level = unlimited ? 'unlimited' : pct >= 100 ? 'full' : pct >= 80 ? 'warn' : 'ok';
  const kinds = Object.entries(credits.by_kind ?? {}).filter(([, v]) => v > 0);
  return (
    <div class={`gauge ${level}`} data-testid="credit-gauge" data-used={used} data-limit={limit ?? 'unlimited'}>
      <div class="gauge-label">
        <span>Credits this period</span>
        <span class="gauge-value">
          {fmtCredits(used)} / {unlimited ? 'unlimited' : fmtCredits(limit)}
          {!unlimited && <span class="gauge-pct"> · {percentUsed(used, limit)}</span>}
        </span>
      </div>
      <div class="gauge-track" role="meter" aria-label="credits used" aria-valuemin={0} aria-valuemax={limit ?? undefined} aria-valuenow={used}>
        <div class="gauge-fill" style={{ width: `${unlimited ? 0 : Math.max(pct, used > 0 ? 1 : 0)}%` }} />
      </div>
      <div class="gauge-foot">
        {credits.period_end && <span>resets {date(credits.period_end)}</span>}
        {kinds.map(([kind, v]) => (
          <span class="kind" key={kind}>
            {kind.replace('_', ' ')} {fmtCredits(v)}
          </span>
        ))}
        {level === 'full' && <span class="exhausted">exhausted: credit-consuming calls answer 402/1696</span>}
      </div>
    </div>
  );
}

function People({ people, label, compact = false }: { people: OverviewPerson[]; label: string; compact?: boolean }) {
  if (people.length === 0) return <div class="people empty">no {label}</div>;
  return (
    <ul class="people" aria-label={label}>
      {people.map((p) => (
        <li
          class={`person role-${p.role} ${p.status}`}
          key={`${p.user_id ?? p.email}`}
          title={[p.email, p.user_id ?? 'invitation'].filter(Boolean).join(' · ')}
          data-testid="member"
        >
          <span class="who">{p.name ?? p.email ?? p.user_id}</span>
          {!compact && p.name && p.email && <span class="email">{p.email}</span>}
          <span class="role">{p.role}</span>
          {p.status === 'pending' && <span class="pending">invited</span>}
          {p.account_type === 'agent' && <span class="agent">agent</span>}
        </li>
      ))}
    </ul>
  );
}

function AiState({ state, reason }: { state: string; reason?: string | null }) {
  return (
    <span class={`ai ai-${state}`} title={reason ?? undefined}>
      {state.replace('_', ' ')}
    </span>
  );
}

function Files({ ws }: { ws: OverviewWorkspace }) {
  if (ws.files_total === 0) return <div class="files empty">no files yet</div>;
  const states = Object.entries(ws.ai_states).sort(([a], [b]) => AI_STATE_ORDER.indexOf(a) - AI_STATE_ORDER.indexOf(b));
  return (
    <div class="files">
      <div class="ai-summary">
        {states.map(([state, n]) => (
          <span key={state}>
            <AiState state={state} /> {n}
          </span>
        ))}
      </div>
      <table>
        <tbody>
          {[...ws.files].reverse().map((f: OverviewFile) => (
            <tr key={f.id} data-testid="file" data-ai-state={f.ai.state}>
              <td class="name" title={f.id}>
                {f.name}
                {f.type === 'note' && <span class="kind-tag">note</span>}
              </td>
              <td class="size">{bytes(f.size)}</td>
              <td>
                <AiState state={f.ai.state} reason={f.ai.reason} />
                {f.ai.pages ? <span class="pages"> {f.ai.pages} p.</span> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {ws.files_total > ws.files.length && (
        <div class="more">
          newest {ws.files.length} of {ws.files_total} files
        </div>
      )}
    </div>
  );
}

/** Who reaches a share, in a word (the access_options the API speaks are sentences). */
const REACH: Record<string, string> = {
  'Only members of the Share or Workspace': 'members',
  'Members of the Share, Workspace or Org': 'org',
  'Anyone with a registered account': 'accounts',
  'Anyone with the link': 'link',
};

function Shares({ shares }: { shares: OverviewShare[] }) {
  if (shares.length === 0) return null;
  return (
    <ul class="shares" aria-label="shares">
      {shares.map((s) => (
        <li key={s.id} data-testid="share" data-share-id={s.id} title={`${s.access_options} (${s.custom_name})`}>
          <span class="name">{s.title}</span>
          <span class="badge">{s.share_type}</span>
          <span class="badge">{REACH[s.access_options] ?? s.access_options}</span>
          {s.password_protected && <span class="badge">password</span>}
          {s.archived && <span class="badge archived">archived</span>}
          <span class="count">{s.members === 1 ? '1 member' : `${s.members} members`}</span>
        </li>
      ))}
    </ul>
  );
}

function Workspace({ ws }: { ws: OverviewWorkspace }) {
  return (
    <li class="workspace" data-testid="workspace" data-workspace-id={ws.id}>
      <div class="ws-head">
        <span class="ws-name">{ws.name}</span>
        <span class="folder">/{ws.folder_name}</span>
        <span class={`badge ${ws.intelligence ? 'on' : 'off'}`}>{ws.intelligence ? 'intelligence on' : 'intelligence off'}</span>
        {ws.archived && <span class="badge archived">archived</span>}
        {ws.chats > 0 && <span class="badge">{ws.chats} chats</span>}
        <span class="id">{ws.id}</span>
      </div>
      <div class="ws-body">
        <section>
          <h4>Members</h4>
          <People people={ws.members} label="workspace members" compact />
        </section>
        <section>
          <h4>Files</h4>
          <Files ws={ws} />
        </section>
        {ws.shares.length > 0 && (
          <section class="ws-shares">
            <h4>Shares</h4>
            <Shares shares={ws.shares} />
          </section>
        )}
      </div>
    </li>
  );
}

export function OrgCard({ org, open, onToggle }: { org: OverviewOrg; open: boolean; onToggle: () => void }) {
  const files = org.workspaces.reduce((n, w) => n + w.files_total, 0);
  return (
    <article class={`org ${open ? 'open' : 'closed'}`} data-testid="org" data-org-id={org.id} data-domain={org.domain}>
      <header class="org-head">
        <button class="toggle" onClick={onToggle} aria-expanded={open} aria-label={open ? 'collapse' : 'expand'}>
          {open ? '▾' : '▸'}
        </button>
        <div class="org-title">
          <h3>{org.name}</h3>
          <span class="domain">{org.domain}</span>
          <span class="badge plan" title={org.plan}>
            {org.plan_name}
          </span>
          {org.transfer_pending && <span class="badge transfer">transfer pending</span>}
        </div>
        <div class="org-meta">
          <span>
            {org.workspaces.length} workspaces · {org.members.length} members · {files} files
          </span>
          <span class="id">{org.id}</span>
        </div>
      </header>
      <CreditGauge credits={org.credits} />
      {open && (
        <div class="org-body">
          <section>
            <h4>Organization members</h4>
            <People people={org.members} label="organization members" />
          </section>
          <section>
            <h4>Workspaces</h4>
            {org.workspaces.length === 0 ? (
              <div class="empty">no workspaces yet</div>
            ) : (
              <ul class="workspaces">
                {org.workspaces.map((ws) => (
                  <Workspace ws={ws} key={ws.id} />
                ))}
              </ul>
            )}
          </section>
        </div>
      )}
    </article>
  );
}
