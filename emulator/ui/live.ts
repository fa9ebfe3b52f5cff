/**
 * The dashboard's data: `GET /_emulator/overview` as a long-poll. Each answer carries a hash of what
 * it shows; the next request sends it back with `wait`, and the emulator answers as soon as
 * anything changes (or after the wait), so changes appear without a reload and an idle dashboard
 * costs one request per wait.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Overview } from '../control/overview-types.js';
import { controlHeaders } from './control.js';

export type Connection = 'connecting' | 'live' | 'offline';

const WAIT_SECONDS = 25;

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    });
  });
}

export function useOverview(filter: string): { doc: Overview | undefined; connection: Connection; error: string | undefined } {
  const [doc, setDoc] = useState<Overview | undefined>(undefined);
  const [connection, setConnection] = useState<Connection>('connecting');
  const [error, setError] = useState<string | undefined>(undefined);

  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    let hash = '';
    void (async () => {
      while (!signal.aborted) {
        try {
          const params = new URLSearchParams();
          if (filter) params.set('q', filter);
          if (hash) {
            params.set('after', hash);
            params.set('wait', String(WAIT_SECONDS));
          }
          const res = await fetch(`/_emulator/overview?${params.toString()}`, { signal, headers: controlHeaders(), cache: 'no-store' });
          const body = (await res.json()) as Overview & { error?: { code: number; text: string } };
          if (!res.ok) throw new Error(body.error ? `${res.status} ${body.error.code}: ${body.error.text}` : `HTTP ${res.status}`);
          hash = body.hash;
          setDoc(body);
          setConnection('live');
          setError(undefined);
        } catch (e) {
          if (signal.aborted) return;
          setConnection('offline');
          setError((e as Error).message);
          await pause(1000, signal);
        }
      }
    })();
    return () => controller.abort();
  }, [filter]);

  return { doc, connection, error };
}
