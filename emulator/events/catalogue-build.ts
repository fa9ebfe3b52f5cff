/**
 * How the catalogue builds an event: the branded type `AuditLog.record` accepts, and the two
 * builders the named constructors (catalogue.ts, catalogue-content.ts) go through. No other module
 * imports `build` or `own`.
 */
import { CATALOGUE } from './catalogue-entries.js';
import type { AuditCategory, AuditSubcategory } from './catalogue-entries.js';

export type AuditEventName = keyof typeof CATALOGUE;
export type FilingOf<N extends AuditEventName> = (typeof CATALOGUE)[N]['filings'][number];

/** Who and what an event is about; the catalogue adds the name and the filing. */
export interface AuditFields {
  orgId?: string | null;
  workspaceId?: string | null;
  shareId?: string | null;
  /** the user the event is about (defaults to the calling user) */
  userId?: string | null;
  callingUserId: string | null;
  objectId?: string | null;
  data?: Record<string, unknown>;
}

/** Only the catalogue builds events: the brand is a symbol no other module can name. */
declare const catalogued: unique symbol;

/** An event built by the catalogue, the only thing `AuditLog.record` accepts. */
export interface CataloguedEvent extends AuditFields {
  readonly event: AuditEventName;
  readonly category: AuditCategory;
  readonly subcategory: AuditSubcategory;
  readonly [catalogued]: true;
}

export function build<N extends AuditEventName>(event: N, filing: FilingOf<N>, fields: AuditFields): CataloguedEvent {
  return { event, category: filing.category, subcategory: filing.subcategory, ...fields } as CataloguedEvent;
}

/** An event with its one (first) filing. */
export function own<N extends AuditEventName>(event: N, fields: AuditFields): CataloguedEvent {
  return build(event, CATALOGUE[event].filings[0] as FilingOf<N>, fields);
}

/** Where a workspace-level event happened. */
export interface WorkspacePlace {
  orgId: string;
  workspaceId: string;
  /** an upload session opened through a share (issue 17): its events carry the share */
  shareId?: string | null;
}

/** Only the place's ids (a caller may pass a whole row that has them). */
export function placed(at: WorkspacePlace): WorkspacePlace {
  return { orgId: at.orgId, workspaceId: at.workspaceId, ...(at.shareId ? { shareId: at.shareId } : {}) };
}
