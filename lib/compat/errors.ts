import type { AppError } from "@/lib/errors";

// The error bodies the seed systems' clients read. Status codes and the message stay Tollgate's
// (one code→status table); only the JSON around them changes.

/** FastAPI's `{ "detail": "…" }` (SynapseChat, Brousla). */
export const fastApiError = (err: AppError) => ({
  detail: err.message,
  code: err.code,
  ...(err.options.param ? { field: err.options.param } : {}),
  ...err.options.details,
});

/** Express's `{ "message": "…", "statusCode": n }` (Bothub). */
export const expressError = (err: AppError) => ({
  message: err.message,
  statusCode: err.status,
  code: err.code,
  ...(err.options.param ? { field: err.options.param } : {}),
});
