/**
 * The dashboard's actions on the emulator: reset, move the clock, make a persona (with logins to
 * copy). Each is one control request (control.ts); the page then sees the change through its
 * long-poll like any other, so nothing here updates the view by hand.
 */
import { useState } from 'preact/hooks';
import { control } from './control.js';

/** A running action's state: its error, if the last attempt failed. */
export function useAction(): { busy: boolean; error: string | undefined; run: (fn: () => Promise<unknown>) => Promise<void> } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const run = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await fn();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run };
}

export function ActionError({ error }: { error: string | undefined }) {
  return error ? (
    <p class="action-error" role="alert" data-testid="action-error">
      {error}
    </p>
  ) : null;
}

/** Reset asks once more before it empties everything. */
export function ResetButton() {
  const [confirming, setConfirming] = useState(false);
  const { busy, error, run } = useAction();
  return (
    <div class="action reset">
      {confirming ? (
        <span class="confirm">
          Empty the whole state?{' '}
          <button
            class="danger"
            data-testid="reset-confirm"
            disabled={busy}
            onClick={() => void run(() => control('POST', '/_emulator/reset', {})).then(() => setConfirming(false))}
          >
            Reset
          </button>{' '}
          <button onClick={() => setConfirming(false)}>Cancel</button>
        </span>
      ) : (
        <button
          data-testid="reset"
          title="POST /_emulator/reset: users, orgs, events, faults, the journal and the clock offset"
          onClick={() => setConfirming(true)}
        >
          Reset…
        </button>
      )}
      <ActionError error={error} />
    </div>
  );
}

const STEPS: [string, number][] = [
  ['+1 h', 3600],
  ['+1 d', 86400],
  ['+30 d', 30 * 86400],
];

/** Move the emulator clock forward (it never goes back). */
export function ClockActions() {
  const [custom, setCustom] = useState('');
  const { busy, error, run } = useAction();
  const advance = (seconds: number) => run(() => control('POST', '/_emulator/clock/advance', { seconds }));
  return (
    <div class="action clock-actions" aria-label="move the clock">
      {STEPS.map(([label, seconds]) => (
        <button key={seconds} data-testid={`clock-advance-${seconds}`} disabled={busy} onClick={() => void advance(seconds)}>
          {label}
        </button>
      ))}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void advance(Number(custom));
        }}
      >
        <input
          type="number"
          min="1"
          step="1"
          placeholder="seconds"
          aria-label="seconds to advance"
          data-testid="clock-seconds"
          value={custom}
          onInput={(e) => setCustom((e.target as HTMLInputElement).value)}
        />
        <button type="submit" disabled={busy || custom === ''} data-testid="clock-advance">
          Advance
        </button>
      </form>
      <ActionError error={error} />
    </div>
  );
}

interface Persona {
  user_id: string;
  email_address: string;
  password: string;
  account_type: string;
  api_key: string;
  auth_token: string;
}

function CopyField({ label, value, field }: { label: string; value: string; field: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      // No clipboard (an insecure origin, or a denied permission): the value is selectable text.
      setCopied(false);
    }
  };
  return (
    <div class="copy-field" data-field={field}>
      <span class="label">{label}</span>
      <code class="value" title={value}>
        {value}
      </code>
      <button class="copy" data-testid={`copy-${field}`} onClick={() => void copy()}>
        {copied ? 'copied' : 'copy'}
      </button>
    </div>
  );
}

/** Make a ready persona (POST /_emulator/users/) and show its logins, each with a copy button. */
export function PersonaMaker() {
  const [type, setType] = useState<'agent' | 'human'>('agent');
  const [made, setMade] = useState<Persona | undefined>(undefined);
  const { busy, error, run } = useAction();
  return (
    <section class="panel persona" aria-label="make a persona">
      <h2>Make a persona</h2>
      <form
        class="persona-form"
        onSubmit={(e) => {
          e.preventDefault();
          void run(async () => setMade(await control<Persona>('POST', '/_emulator/users/', { account_type: type })));
        }}
      >
        <select
          aria-label="account type"
          data-testid="persona-type"
          value={type}
          onChange={(e) => setType((e.target as HTMLSelectElement).value as 'agent' | 'human')}
        >
          <option value="agent">agent</option>
          <option value="human">human</option>
        </select>
        <button type="submit" disabled={busy} data-testid="make-persona">
          Make persona
        </button>
      </form>
      <ActionError error={error} />
      {made && (
        <div class="persona-result" data-testid="persona-result" data-user-id={made.user_id}>
          <CopyField label="email" value={made.email_address} field="email" />
          <CopyField label="password" value={made.password} field="password" />
          <CopyField label="API key" value={made.api_key} field="api_key" />
          <CopyField label="JWT" value={made.auth_token} field="auth_token" />
          <p class="hint">
            A verified {made.account_type} account: <code>Authorization: Bearer &lt;API key&gt;</code> on <code>/current/…</code>
          </p>
        </div>
      )}
    </section>
  );
}
