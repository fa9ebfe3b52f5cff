/**
 * The intelligence engine: extraction, chunking, per-workspace search and extractive answers.
 * Pure and in-memory; the intelligence service decides when to call it and what to charge.
 */
export * from './extract.js';
export * from './chunk.js';
export * from './search-index.js';
export * from './search-types.js';
export * from './answer.js';
export { buildSnippet, SNIPPET_MAX_LENGTH, type SnippetTerm } from './snippet.js';
export { splitSentences, type TextSpan } from './sentences.js';
export { tokenize, tokenizeWithSpans, trigramSimilarity, type TokenSpan } from './tokenize.js';
export { classifyDocument, GENERIC_MIMETYPE, type Classification } from './document-types.js';
