// The query API's response shapes, owned by the server; types only, never server code at runtime.
export type * from '../../../server/src/query/contract.js';
