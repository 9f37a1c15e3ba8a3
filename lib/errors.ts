// One error type for the whole app, one code→status table, and the two JSON shapes we answer in:
// ours ({ error: { code, message } }) and OpenAI's on /api/v1 ({ error: { message, type, param, code } }).

export const errorStatus = {
  bad_request: 400,
  validation_error: 400,
  unauthorized: 401,
  insufficient_balance: 402,
  payment_required: 402,
  forbidden: 403,
  not_found: 404,
  model_not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  quota_exceeded: 429,
  rate_limited: 429,
  internal_error: 500,
  upstream_error: 502,
  unavailable: 503,
  no_provider: 503,
  upstream_timeout: 504,
} as const;

export type ErrorCode = keyof typeof errorStatus;

const openAiType: Record<ErrorCode, string> = {
  bad_request: "invalid_request_error",
  validation_error: "invalid_request_error",
  unauthorized: "authentication_error",
  insufficient_balance: "insufficient_quota",
  payment_required: "insufficient_quota",
  forbidden: "permission_error",
  not_found: "invalid_request_error",
  model_not_found: "invalid_request_error",
  method_not_allowed: "invalid_request_error",
  conflict: "invalid_request_error",
  payload_too_large: "invalid_request_error",
  unsupported_media_type: "invalid_request_error",
  quota_exceeded: "insufficient_quota",
  rate_limited: "rate_limit_exceeded",
  internal_error: "api_error",
  upstream_error: "api_error",
  unavailable: "api_error",
  no_provider: "api_error",
  upstream_timeout: "api_error",
};

// OpenAI's own `code` values where clients (and their SDKs) look for them.
const openAiCode: Partial<Record<ErrorCode, string>> = {
  unauthorized: "invalid_api_key",
  insufficient_balance: "insufficient_quota",
  model_not_found: "model_not_found",
  rate_limited: "rate_limit_exceeded",
};

export type ErrorOptions = {
  /** The request field the problem is in (validation errors). */
  param?: string;
  headers?: Record<string, string>;
  details?: Record<string, unknown>;
};

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly options: ErrorOptions = {},
  ) {
    super(message);
    this.name = "AppError";
    this.status = errorStatus[code];
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}

export function errorBody(err: AppError) {
  return {
    error: {
      code: err.code,
      message: err.message,
      ...(err.options.param ? { field: err.options.param } : {}),
      ...err.options.details,
    },
  };
}

// Anthropic's error types (docs.anthropic.com, "Errors"); a refused payment has no type of its own there.
const anthropicType: Record<ErrorCode, string> = {
  bad_request: "invalid_request_error",
  validation_error: "invalid_request_error",
  unauthorized: "authentication_error",
  insufficient_balance: "billing_error",
  payment_required: "billing_error",
  forbidden: "permission_error",
  not_found: "not_found_error",
  model_not_found: "not_found_error",
  method_not_allowed: "invalid_request_error",
  conflict: "invalid_request_error",
  payload_too_large: "request_too_large",
  unsupported_media_type: "invalid_request_error",
  quota_exceeded: "rate_limit_error",
  rate_limited: "rate_limit_error",
  internal_error: "api_error",
  upstream_error: "api_error",
  unavailable: "overloaded_error",
  no_provider: "api_error",
  upstream_timeout: "timeout_error",
};

/** The Anthropic Messages API's error shape, on /v1/messages. */
export function anthropicErrorBody(err: AppError) {
  return { type: "error" as const, error: { type: anthropicType[err.code], message: err.message } };
}

export function openAiErrorBody(err: AppError) {
  return {
    error: {
      message: err.message,
      type: openAiType[err.code],
      param: err.options.param ?? null,
      code: openAiCode[err.code] ?? err.code,
      ...err.options.details,
    },
  };
}
