// SelfSubjectAccessReview (authorization.k8s.io/v1): "may I do VERB on RESOURCE?". The sandbox has one
// user, the bearer token of its kubeconfig, and that user is a cluster administrator, so every
// well-formed question is answered allowed. Nothing is stored: a review is a question, not an object.
// `kaito doctor` (RBAC check) and `kubectl auth can-i` ask it.
import type { KObject } from '../store.js';
import { ApiError, badRequest } from './status.js';

interface ReviewSpec {
  resourceAttributes?: { verb?: string; resource?: string; namespace?: string; group?: string; subresource?: string; name?: string };
  nonResourceAttributes?: { verb?: string; path?: string };
}

function invalid(field: string, message: string): ApiError {
  return new ApiError(422, 'Invalid', `SelfSubjectAccessReview.authorization.k8s.io "" is invalid: ${field}: ${message}`, {
    group: 'authorization.k8s.io',
    kind: 'SelfSubjectAccessReview',
    causes: [{ reason: 'FieldValueInvalid', message, field }],
  });
}

/** The answered review (what the API server sends back with 201), or a Status error. */
export function reviewSelfAccess(body: unknown): KObject {
  if (!body || typeof body !== 'object') throw badRequest('the request body is not a SelfSubjectAccessReview');
  const o = body as { apiVersion?: string; kind?: string; metadata?: Record<string, unknown>; spec?: ReviewSpec };
  if (o.kind !== undefined && o.kind !== 'SelfSubjectAccessReview') throw badRequest(`kind ${o.kind} does not match SelfSubjectAccessReview`);
  const spec = o.spec ?? {};
  const res = spec.resourceAttributes;
  const nonRes = spec.nonResourceAttributes;
  if (!!res === !!nonRes) throw invalid('spec.resourceAttributes', 'exactly one of nonResourceAttributes or resourceAttributes must be specified');
  if (!(res ?? nonRes)!.verb) throw invalid(res ? 'spec.resourceAttributes.verb' : 'spec.nonResourceAttributes.verb', 'Required value');
  return {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    metadata: { ...(o.metadata ?? {}), creationTimestamp: null } as unknown as KObject['metadata'],
    spec,
    status: { allowed: true, reason: 'the sandbox user is a cluster administrator' },
  } as KObject;
}
