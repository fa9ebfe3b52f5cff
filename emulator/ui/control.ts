/**
 * The dashboard's requests to the control plane. Every request names the dashboard as one of the
 * emulator's own clients (`x-fastio-emulator-client`, which the control guard requires of a
 * state-changing request) and carries the control token when the page address has `#token=...`
 * (emulators started with --control-token). Bodies are JSON. Same origin only: the page is served
 * by the emulator, so Host and Origin name the emulator, as the guard wants.
 */

export function controlHeaders(): Record<string, string> {
  const m = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  const own = { 'x-fastio-emulator-client': '1' };
  return m ? { ...own, 'x-emulator-control-token': decodeURIComponent(m[1]!) } : own;
}

export class ControlError extends Error {}

/** A control request; answers the parsed body, or throws with the envelope's code and text. */
export async function control<T = Record<string, unknown>>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: Record<string, unknown>): Promise<T> {
  const headers = controlHeaders();
  if (body) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method, headers, cache: 'no-store', ...(body ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  let parsed: (T & { error?: { code: number; text: string } }) | undefined;
  try {
    parsed = JSON.parse(text) as T & { error?: { code: number; text: string } };
  } catch {
    parsed = undefined;
  }
  if (!res.ok || !parsed) {
    const e = parsed?.error;
    throw new ControlError(e ? `${res.status} ${e.code}: ${e.text}` : `HTTP ${res.status}`);
  }
  return parsed;
}
