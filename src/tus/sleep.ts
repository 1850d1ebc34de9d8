/**
 * @deprecated location: the abortable sleep lives in src/core/sleep.ts. Re-exported for older imports.
 */
export { sleep } from '../core/sleep.js';
