/**
 * Errors that carry an HTTP-ish status and a message meant for the user.
 * Services throw these; the API maps them to responses and the CLI prints them.
 * A message always names the problem (the field, the job, the file), never a secret.
 */
export class AppError extends Error {
  constructor(
    message: string,
    readonly statusCode: number,
    readonly code: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends AppError {
  constructor(message: string, details?: unknown) {
    super(message, 400, 'validation_failed', details);
  }
}

export class NotFoundError extends AppError {
  constructor(message: string) {
    super(message, 404, 'not_found');
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'you are not allowed to do this') {
    super(message, 403, 'forbidden');
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'sign in or send an API token') {
    super(message, 401, 'unauthorized');
  }
}

export class ConflictError extends AppError {
  constructor(message: string, details?: unknown) {
    super(message, 409, 'conflict', details);
  }
}

/** A backup file that fails authentication, is truncated, or is not a Keepwatch file. */
export class IntegrityError extends AppError {
  constructor(message: string) {
    super(message, 422, 'integrity_failed');
  }
}
