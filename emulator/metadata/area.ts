/**
 * The metadata area as the Emulator holds it: templates and mappings (service.ts), node values
 * (values.ts), the AI work (extraction.ts) and saved views with the export (views.ts), over one
 * set of dependencies.
 */
import { MetadataExtraction } from './extraction.js';
import { MetadataService, type MetadataDeps } from './service.js';
import { NodeValues } from './values.js';
import { MetadataViews } from './views.js';

export class MetadataArea {
  readonly templates: MetadataService;
  readonly values: NodeValues;
  readonly extraction: MetadataExtraction;
  readonly views: MetadataViews;

  constructor(d: MetadataDeps) {
    this.templates = new MetadataService(d);
    this.values = new NodeValues(this.templates);
    this.extraction = new MetadataExtraction(this.templates, this.values);
    this.views = new MetadataViews(this.templates, this.values);
  }
}
