/**
 * The JSON of one event or request, shown when its row is clicked. A request is completed from
 * the journal (`GET /_emulator/requests`: its request id and the rest of the entry); an event
 * shows what the overview holds of it.
 */
import { useEffect, useLayoutEffect, useState } from 'preact/hooks';
import type { OverviewEvent, OverviewRequest } from '../control/overview-types.js';
import { control } from './control.js';

export type Selected = { kind: 'event'; item: OverviewEvent } | { kind: 'request'; item: OverviewRequest };

interface JournalEntry {
  seq: number;
  [key: string]: unknown;
}

/** The journal entry of this request, if the journal still holds it. */
async function journalEntry(r: OverviewRequest): Promise<JournalEntry | undefined> {
  const q = new URLSearchParams({ since: String(r.seq - 1), method: r.method, path: r.path, include_control: 'true', limit: '1000' });
  const { requests } = await control<{ requests: JournalEntry[] }>('GET', `/_emulator/requests?${q.toString()}`);
  return requests.find((e) => e.seq === r.seq);
}

export function Detail({ selected, onClose }: { selected: Selected; onClose: () => void }) {
  const [full, setFull] = useState<unknown>(undefined);
  const [note, setNote] = useState<string | undefined>(undefined);
  useEffect(() => {
    setFull(undefined);
    setNote(undefined);
    if (selected.kind !== 'request') return;
    let live = true;
    journalEntry(selected.item).then(
      (e) => live && (e ? setFull(e) : setNote('no longer in the journal (it keeps the last 1,000 requests)')),
      (e: Error) => live && setNote(e.message),
    );
    return () => {
      live = false;
    };
  }, [selected]);
  // A layout effect: the listener is in place in the same commit that shows the dialog. With a
  // plain effect (run after paint), an Escape pressed right after the dialog appeared was lost.
  useLayoutEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [onClose]);
  const title = selected.kind === 'event' ? `event ${selected.item.event}` : `${selected.item.method} ${selected.item.path}`;
  return (
    <div class="detail-backdrop" onClick={(e) => e.target === e.currentTarget && onClose()}>
      <section class="detail" role="dialog" aria-modal="true" aria-label={title} data-testid="detail" data-kind={selected.kind}>
        <header>
          <h2 title={title}>{title}</h2>
          <button class="copy" onClick={() => void navigator.clipboard?.writeText(JSON.stringify(full ?? selected.item, null, 2)).catch(() => {})}>
            copy
          </button>
          <button class="close" aria-label="close" data-testid="detail-close" onClick={onClose}>
            ×
          </button>
        </header>
        <pre data-testid="detail-json">{JSON.stringify(full ?? selected.item, null, 2)}</pre>
        {note && <p class="hint">{note}</p>}
      </section>
    </div>
  );
}
