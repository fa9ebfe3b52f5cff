/** Fault rules: the list (with hits), a form to add one, a button to remove one or all. */
import { useState } from 'preact/hooks';
import type { OverviewFault } from '../control/overview-types.js';
import { ActionError, useAction } from './actions.js';
import { control } from './control.js';

function describeFault(f: OverviewFault): string {
  return [f.status !== null ? `${f.status}/${f.code}` : '', f.delay_ms !== null ? `+${f.delay_ms} ms` : ''].filter(Boolean).join(' ');
}

const METHODS = ['', 'GET', 'POST', 'PUT', 'DELETE', 'PATCH'];

/** The form's fields as the control plane takes them (strings; empty ones left out). */
type FaultForm = Record<'method' | 'path' | 'tool' | 'status' | 'delay_ms' | 'probability' | 'times', string>;
const EMPTY: FaultForm = { method: '', path: '', tool: '', status: '503', delay_ms: '', probability: '', times: '' };

function AddFault() {
  const [form, setForm] = useState<FaultForm>(EMPTY);
  const { busy, error, run } = useAction();
  const set = (k: keyof FaultForm) => (e: Event) => setForm({ ...form, [k]: (e.target as HTMLInputElement | HTMLSelectElement).value });
  const field = (k: keyof FaultForm, label: string, placeholder: string, numeric = false) => (
    <label class={`f-${k}`}>
      <span>{label}</span>
      <input type="text" inputMode={numeric ? 'numeric' : 'text'} value={form[k]} placeholder={placeholder} onInput={set(k)} data-testid={`fault-${k}`} />
    </label>
  );
  return (
    <form
      class="fault-form"
      aria-label="add a fault rule"
      onSubmit={(e) => {
        e.preventDefault();
        const body = Object.fromEntries(Object.entries(form).filter(([, v]) => v.trim() !== ''));
        void run(async () => {
          await control('POST', '/_emulator/faults', body);
          setForm(EMPTY);
        });
      }}
    >
      <label class="f-method">
        <span>method</span>
        <select value={form.method} onChange={set('method')} data-testid="fault-method">
          {METHODS.map((m) => (
            <option key={m} value={m}>
              {m || 'any'}
            </option>
          ))}
        </select>
      </label>
      {field('path', 'path', '/current/org/*/create/workspace/')}
      {field('tool', 'MCP tool', 'storage.list')}
      {field('status', 'status', '503', true)}
      {field('delay_ms', 'delay ms', '0', true)}
      {field('probability', 'probability', '1')}
      {field('times', 'times', 'until cleared', true)}
      <button type="submit" disabled={busy} data-testid="fault-add">
        Add rule
      </button>
      <ActionError error={error} />
    </form>
  );
}

export function FaultsPanel({ faults }: { faults: OverviewFault[] }) {
  const { busy, error, run } = useAction();
  return (
    <section class="panel faults" aria-label="fault rules">
      <h2>
        Fault rules <span class="count">{faults.length}</span>
        {faults.length > 0 && (
          <button class="link" disabled={busy} data-testid="fault-clear" onClick={() => void run(() => control('DELETE', '/_emulator/faults'))}>
            clear all
          </button>
        )}
      </h2>
      {faults.length === 0 ? (
        <p class="empty">No fault rules: every API request is served normally.</p>
      ) : (
        <ul>
          {faults.map((f) => (
            <li key={f.id} class={f.active ? 'active' : 'spent'} data-testid="fault" data-fault-id={f.id}>
              <code>
                {f.method ?? '*'} {f.path ?? '**'}
              </code>{' '}
              <span class="what">{describeFault(f)}</span>
              {f.probability < 1 && <span> p={f.probability}</span>}
              {f.org_id && <span> org …{f.org_id.slice(-6)}</span>}
              {f.tool && <span data-testid="fault-rule-tool"> MCP {f.tool}</span>}
              <span class="hits">
                {f.hits}
                {f.times !== null ? `/${f.times}` : ''} hits
              </span>
              <button
                class="remove"
                aria-label={`remove fault ${f.id}`}
                data-testid="fault-remove"
                disabled={busy}
                onClick={() => void run(() => control('DELETE', `/_emulator/faults/${encodeURIComponent(f.id)}`))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <ActionError error={error} />
      <AddFault />
    </section>
  );
}
