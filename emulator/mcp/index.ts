export { McpHost, type McpHostOptions } from './host.js';
export { McpSession, modeForClient, BLOB_MAX_BYTES, BLOB_TTL_MS, type ToolMode } from './session.js';
export { NAMED_TOOLS } from './named.js';
export { codeTools } from './code-mode.js';
