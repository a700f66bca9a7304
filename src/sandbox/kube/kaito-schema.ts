// The Kaito CRD schemas and the API server's pruning live in src/core/kaito-crd-schema.ts (pure), shared with
// `kaito lint` (issue 18).
export * from '../../core/kaito-crd-schema.js';
