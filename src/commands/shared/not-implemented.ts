import { OperationError } from '../../errors.js';

export function notImplemented(what: string): never {
  throw new OperationError(`${what} is not implemented yet`, 'see the README for what works today');
}
