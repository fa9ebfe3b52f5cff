/**
 * Stage 3, the control guard: `/_emulator/*` belongs to the developer's own tools.
 *
 * - Host: the request must name this machine (a loopback address, `localhost`) or the configured
 *   `--host`, else 403. A page on another site that rebinds its own name to 127.0.0.1 (DNS
 *   rebinding) sends its own name as Host, so it cannot read or change the control plane.
 * - Who: with `--control-token`, the token (header or Bearer) on everything but the routes marked
 *   `publicAsset` (the dashboard's files and the health check, which say nothing secret); without
 *   one, loopback peers only.
 * - Cross-site: a request with an Origin that is not the emulator's own is refused, and a
 *   state-changing one (anything but GET and HEAD) must carry a signal a page on another site cannot
 *   send without a CORS preflight (which the emulator never grants): a JSON content type, or the
 *   `x-fastio-emulator-client` header that the dashboard and the project's own clients send. A
 *   form post or a `text/plain` beacon from a browser is refused before its body is read.
 */
import { timingSafeEqual } from 'node:crypto';
import { isIPv4 } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { IncomingMessage } from 'node:http';
import type { EmulatorConfig } from '../config.js';
import { Errors } from './errors.js';
import type { AnyRoute } from './route.js';

/** The header the dashboard and the project's own clients send on control requests. */
export const CONTROL_CLIENT_HEADER = 'x-fastio-emulator-client';

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]']);

export function isLoopback(addr: string | undefined): boolean {
  return addr === '127.0.0.1' || addr === '::1' || addr === '::ffff:127.0.0.1' || (addr?.startsWith('127.') ?? false);
}

/** The host name of a Host header, lower-cased, without the port and IPv6 brackets; undefined if malformed. */
export function hostName(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const h = header.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    if (end < 0) return undefined;
    const rest = h.slice(end + 1);
    if (rest !== '' && !/^:\d{1,5}$/.test(rest)) return undefined;
    return h.slice(1, end);
  }
  const colon = h.indexOf(':');
  if (colon < 0) return h;
  if (!/^\d{1,5}$/.test(h.slice(colon + 1))) return undefined;
  return h.slice(0, colon);
}

/** Is the configured `--host` one that binds beyond this machine without naming an address? */
export function isWildcardHost(host: string): boolean {
  return WILDCARD_HOSTS.has(host);
}

/**
 * The host names a request may carry. CHOICE: with a wildcard `--host` (0.0.0.0, ::) the
 * addresses of this machine's interfaces count as the configured host (an address literal cannot
 * be rebound; a name can), read once at start.
 */
export class HostRule {
  private readonly names = new Set<string>(['localhost']);

  constructor(configuredHost: string) {
    const configured = hostName(configuredHost) ?? configuredHost.toLowerCase();
    this.names.add(configured);
    if (isWildcardHost(configuredHost)) {
      for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) this.names.add(a.address.toLowerCase());
    }
  }

  allows(hostHeader: string | undefined): boolean {
    const name = hostName(hostHeader);
    if (name === undefined) return false;
    // 127.0.0.0/8 as an address literal only: `127.0.0.1.evil.example` is a name, and rebindable.
    return this.names.has(name) || name === '::1' || (isIPv4(name) && name.startsWith('127.'));
  }

  /** The refusal, in the envelope (the WebSocket upgrade and the control plane answer the same). */
  check(hostHeader: string | undefined): void {
    if (!this.allows(hostHeader)) {
      throw Errors.accessDenied('The control plane answers only to requests addressed to this machine (Host: localhost, a loopback address or the --host).');
    }
  }
}

function isJsonType(type: string | undefined): boolean {
  if (!type) return false;
  const essence = type.split(';', 1)[0]!.trim().toLowerCase();
  return essence === 'application/json' || (essence.startsWith('application/') && essence.endsWith('+json'));
}

export class ControlGuard {
  private readonly token: Buffer | undefined;

  constructor(
    config: Readonly<Pick<EmulatorConfig, 'controlToken'>>,
    private readonly hosts: HostRule,
  ) {
    this.token = config.controlToken ? Buffer.from(config.controlToken) : undefined;
  }

  check(req: IncomingMessage, route: AnyRoute): void {
    const { headers } = req;
    this.hosts.check(headers.host);
    if (this.token) {
      if (!route.publicAsset) this.checkToken(headers['x-emulator-control-token'], headers.authorization);
    } else if (!isLoopback(req.socket.remoteAddress)) {
      throw Errors.accessDenied('The control plane answers only on loopback unless the emulator is started with --control-token.');
    }
    const origin = headers.origin;
    // The emulator's own origin is the address the request was sent to (its Host passed above).
    // CHOICE: reads from another site are refused too (a page could not read them without CORS,
    // but nothing of the control plane is for another site).
    if (origin !== undefined && origin !== `http://${headers.host ?? ''}`) {
      throw Errors.accessDenied('The control plane refuses requests from another site (Origin is not the emulator).');
    }
    if (req.method === 'GET' || req.method === 'HEAD') return;
    if (!isJsonType(headers['content-type']) && !headers[CONTROL_CLIENT_HEADER]) {
      throw Errors.accessDenied(
        `A state-changing control request needs a JSON body (content-type: application/json) or the ${CONTROL_CLIENT_HEADER} header (what a page on another site cannot send).`,
      );
    }
  }

  private checkToken(header: string | string[] | undefined, authorization: string | undefined): void {
    const given = header ?? (authorization?.startsWith('Bearer ') ? authorization.slice(7) : undefined);
    const bytes = typeof given === 'string' ? Buffer.from(given) : undefined;
    if (!bytes || bytes.length !== this.token!.length || !timingSafeEqual(bytes, this.token!)) {
      throw Errors.unauthenticated('The control plane requires the control token (x-emulator-control-token header or Bearer).');
    }
  }
}
