// Typed errors carry their exit code (SPEC "Machine output and exit codes"). main.ts is the only place
// that prints them; anything that is not a KaitoError is a bug and is reported as one.

export const ExitCode = {
  OK: 0,
  FAILED: 1,
  USAGE: 2,
  WORKSPACE_FAILED: 3,
  AUTH: 4,
  TIMEOUT: 5,
  INTERRUPTED: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export class KaitoError extends Error {
  readonly exitCode: ExitCodeValue;
  /** One line telling the user how to fix it; printed under the message. */
  readonly hint?: string;
  constructor(message: string, exitCode: ExitCodeValue, hint?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.hint = hint;
  }
}

/** Bad flags, arguments, files or config: nothing was changed. Exit 2. */
export class UsageError extends KaitoError {
  /** Extra lines, one per violation, when several rules failed at once. */
  readonly problems: string[];
  constructor(message: string, hint?: string, problems: string[] = []) {
    super(message, ExitCode.USAGE, hint);
    this.problems = problems;
  }
}

/** An API or cluster operation failed. Exit 1. */
export class OperationError extends KaitoError {
  constructor(message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, ExitCode.FAILED, hint, options);
  }
}

/** The workspace itself failed (job failed, inference cannot become ready). Exit 3. */
export class WorkspaceFailedError extends KaitoError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.WORKSPACE_FAILED, hint);
  }
}

/** Not authenticated or not authorised. Exit 4. */
export class AuthError extends KaitoError {
  constructor(message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, ExitCode.AUTH, hint, options);
  }
}

/** A deadline passed. Exit 5. */
export class TimeoutError extends KaitoError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.TIMEOUT, hint);
  }
}

/** Ctrl-C. Exit 130; nothing is deleted. */
export class InterruptedError extends KaitoError {
  constructor(message = 'interrupted', hint?: string) {
    super(message, ExitCode.INTERRUPTED, hint);
  }
}

export function isKaitoError(e: unknown): e is KaitoError {
  return e instanceof KaitoError;
}
