/**
 * vimeo-tus: upload videos to Vimeo over tus, resumable across crashes, with progress that
 * separates bytes sent from bytes acknowledged, and a verified end.
 */
export * from './errors.js';
export type * from './ledger/types.js';
export type * from './upload/types.js';
