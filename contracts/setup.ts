/**
 * Set-up file of every contract project (vitest `setupFiles`): each test of a contract file must
 * carry a marker (contract.unverified / emulatorOnly / liveValidated). One defined with plain
 * `test`/`it` fails here, and its file's coverage record names it for the parity check.
 */
import { afterAll, beforeEach } from 'vitest';
import { checkMarker, writeCoverageIfNotSetUp } from './harness.js';

beforeEach((ctx) => checkMarker(ctx));

// vitest reads the first parameter of a hook as a fixture pattern: it must be destructured.
// eslint-disable-next-line no-empty-pattern -- vitest's fixture pattern, see above
afterAll(({}, suite) => writeCoverageIfNotSetUp(suite));
