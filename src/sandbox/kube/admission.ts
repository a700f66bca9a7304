// Kaito's validating webhook rules live in src/core/kaito-webhook.ts (pure), shared with `kaito lint` (issue 18).
export * from '../../core/kaito-webhook.js';
