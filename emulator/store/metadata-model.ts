/**
 * Metadata templates, their node mappings, the values on nodes and saved views
 * (emulator/metadata/). Kept in its own file beside model.ts, as comments are, so the metadata
 * area adds tables without touching the other areas' records.
 */

/** PARITY: agent guide REFERENCE "Field Definition Structure": the field types a template declares. */
export const METADATA_FIELD_TYPES = ['string', 'int', 'float', 'bool', 'json', 'url', 'datetime'] as const;
export type MetadataFieldType = (typeof METADATA_FIELD_TYPES)[number];

export interface MetadataField {
  name: string;
  description: string;
  type: MetadataFieldType;
  min: number | null;
  max: number | null;
  default: unknown;
  fixedList: string[] | null;
  canBeNull: boolean;
  autoextract: boolean;
}

export interface MetadataTemplate {
  /** opaque id, type `c` (metadata) */
  id: string;
  orgId: string;
  workspaceId: string;
  name: string;
  description: string;
  category: string;
  fields: MetadataField[];
  enabled: boolean;
  /** 1 (highest) to 5 */
  priority: number;
  /** the template this one was copied from (`update/create/`), else null */
  copiedFrom: string | null;
  createdBy: string;
  created: number;
  updated: number;
}

/** A node mapped to a template (id `${templateId}:${nodeId}`). */
export interface MetadataMapping {
  id: string;
  orgId: string;
  workspaceId: string;
  templateId: string;
  nodeId: string;
  /** how the node came to the template */
  source: 'manual' | 'auto_match';
  created: number;
}

/** Where an extracted value was found in the document's own text. */
export interface MetadataCitation {
  page: number;
  /** the passage (chunk) ordinal of the document, from 0 */
  chunk: number;
  snippet: string;
}

export interface MetadataValue {
  key: string;
  value: unknown;
  /** `extracted` by a job, or `manual` (update/) */
  source: 'extracted' | 'manual';
  citation: MetadataCitation | null;
  updated: number;
}

/** One earlier state of a node's values for a template (versions/). */
export interface MetadataVersion {
  version: number;
  values: MetadataValue[];
  source: 'extracted' | 'manual' | 'deleted';
  userId: string | null;
  created: number;
}

/**
 * The values of one node: for a template (id `${nodeId}:${templateId}`), or custom values not
 * tied to a template (templateId null, id `${nodeId}:custom`).
 */
export interface NodeMetadata {
  id: string;
  orgId: string;
  workspaceId: string;
  nodeId: string;
  templateId: string | null;
  values: MetadataValue[];
  versions: MetadataVersion[];
  updated: number;
}

/** A saved view: a member's filter and sort over a template's rows (April: under a folder node). */
export interface MetadataView {
  /** opaque id, type `c` */
  id: string;
  orgId: string;
  workspaceId: string;
  userId: string;
  /** the folder node the view was saved on (April path), `root` when none */
  nodeId: string;
  templateId: string;
  name: string;
  filters: unknown;
  orderBy: string | null;
  orderDesc: boolean;
  created: number;
  updated: number;
}
