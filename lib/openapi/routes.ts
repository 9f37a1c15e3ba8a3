import { describeRoute as route, type RouteDoc } from "./registry";
import { healthSchema, readinessSchema } from "./schemas";
import * as v from "@/lib/validations/admin";
import { keyImportBodySchema, userImportBodySchema } from "@/lib/validations/import";
import {
  changePasswordSchema,
  forgotPasswordSchema,
  loginSchema,
  registerSchema,
  resetPasswordSchema,
  ssoQuerySchema,
  tokenRequestSchema,
  verifyEmailSchema,
} from "@/lib/validations/auth";
import { chatCompletionRequestSchema } from "@/lib/gateway/request-schema";
import { inputItemsQuery, responseIdParams, responsesRequestSchema } from "@/lib/gateway/formats/responses-request";
import { completionRequestSchema } from "@/lib/gateway/formats/completions-request";
import { modelIdParams } from "@/lib/validations/gateway";
import { embeddingsRequestSchema } from "@/lib/gateway/formats/embeddings-schema";
import { countTokensRequestSchema, messagesRequestSchema } from "@/lib/gateway/formats/anthropic-messages-schema";
import { chatRequestSchema, createKeySchema, exportQuerySchema, flagMessageSchema, renameSessionSchema, switchBranchSchema, usageQuerySchema } from "@/lib/chat/schemas";
import { integrationTokensSchema } from "@/lib/integration/tokens";
import * as pay from "@/lib/validations/payments";
import { compatRoutes } from "./compat-routes";

// Every route handler in app/api, with the schemas it validates its input with. A test walks
// app/**/route.ts and fails when a route or a method is missing here.

const id = { params: v.idParamsSchema };

const gateway: RouteDoc[] = [
  route({
    method: "POST",
    path: "/api/v1/chat/completions",
    auth: "apiKey",
    summary: "Chat completion (streaming or not), billed to the key",
    description:
      "OpenAI's request and answer. With `stream: true` the answer is a server-sent event stream ending in `data: [DONE]`. Fields Tollgate does not interpret are passed to OpenAI-wire upstreams unchanged; `usage.cost` and `x-tollgate-cost` carry the price.",
    body: chatCompletionRequestSchema,
    example: { model: "gpt-4o-mini", messages: [{ role: "user", content: "Say hello" }], stream: true, stream_options: { include_usage: true } },
  }),
  route({ method: "GET", path: "/api/v1/models", auth: "apiKey", summary: "The models this key may use, with their kind (chat or embedding) and prices per million tokens" }),
  route({ method: "GET", path: "/api/v1/models/{id}", auth: "apiKey", summary: "One model this key may use (404 for an unknown or forbidden one)", params: modelIdParams }),
  route({
    method: "POST",
    path: "/api/v1/responses",
    auth: "apiKey",
    summary: "OpenAI Responses API (streaming or not), billed to the key",
    description:
      "String or item-list `input`, `instructions`, images, function tools and `function_call_output` items, `max_output_tokens`, `text.format` (JSON schema). With `stream: true` the answer is the typed event stream (`response.created` … `response.completed` with usage, or `response.failed`). Stored by default (`store: false` to opt out) so `previous_response_id` continues the conversation. Served through chat completions on every provider; `usage.cost` and `x-tollgate-cost` carry the price.",
    body: responsesRequestSchema,
    example: { model: "gpt-4o-mini", instructions: "Be brief.", input: "Name a prime number.", previous_response_id: "resp_…", stream: true },
  }),
  route({ method: "GET", path: "/api/v1/responses/{id}", auth: "apiKey", summary: "One of your stored responses (another user's is a 404)", params: responseIdParams }),
  route({ method: "DELETE", path: "/api/v1/responses/{id}", auth: "apiKey", summary: "Delete one of your stored responses", params: responseIdParams }),
  route({ method: "GET", path: "/api/v1/responses/{id}/input_items", auth: "apiKey", summary: "The input items of one of your stored responses", params: responseIdParams, query: inputItemsQuery }),
  route({
    method: "POST",
    path: "/api/v1/completions",
    auth: "apiKey",
    summary: "Legacy text completion (streaming or not), billed to the key",
    description: "`prompt` as a string or an array of strings (one choice per prompt and `n`). `suffix`, `echo: true`, `best_of` > 1, token-id prompts and `logprobs` are refused by name.",
    body: completionRequestSchema,
    example: { model: "gpt-4o-mini", prompt: "Once upon a time", max_tokens: 32 },
  }),
  route({
    method: "POST",
    path: "/api/v1/embeddings",
    auth: "apiKey",
    summary: "Embeddings of one or more texts (or token arrays), billed by input tokens at the model's input price",
    description:
      "OpenAI's request and answer. `encoding_format` is `float` (default) or `base64` (little-endian float32), `dimensions` is passed to the provider where it takes one. Only models of kind `embedding` answer; a chat model is a 400. `usage.cost` and `x-tollgate-cost` carry the price.",
    body: embeddingsRequestSchema,
  }),
  route({
    method: "POST",
    path: "/api/v1/messages",
    auth: "apiKey",
    summary: "Anthropic Messages API (streaming or not), billed to the key",
    description:
      "Anthropic's request and answer (`x-api-key` or bearer key; `anthropic-version` optional). With `stream: true` the answer is Anthropic's event stream: `message_start`, `ping`, `content_block_start`/`_delta`/`_stop`, `message_delta` with usage, `message_stop`, or `error`. Errors come in Anthropic's shape. Any chat model answers; Bedrock models go through Bedrock Converse.",
    body: messagesRequestSchema,
    produces: "json",
  }),
  route({
    method: "POST",
    path: "/api/v1/messages/count_tokens",
    auth: "apiKey",
    summary: "The input tokens of a Messages request, as Tollgate estimates them (nothing is billed)",
    body: countTokensRequestSchema,
  }),
];

const accounts: RouteDoc[] = [
  route({
    method: "POST",
    path: "/api/auth/register",
    auth: "public",
    summary: "Create an account (when registration is open) and sign it in",
    description: "With `REQUIRE_EMAIL_VERIFICATION=true` the answer is 202 whether or not the address already has an account, no cookie is set, and the address gets a confirmation link (or a note that it already has an account).",
    body: registerSchema,
    status: 201,
  }),
  route({ method: "POST", path: "/api/auth/login", auth: "public", summary: "Sign in with email and password (sets the session cookie)", body: loginSchema }),
  route({ method: "POST", path: "/api/auth/logout", auth: "public", summary: "End this browser session (server-side too) and clear its cookie; `redirect` says where to go (LOGIN_URL or /login)" }),
  route({ method: "POST", path: "/api/auth/logout/everywhere", auth: "user", summary: "End every session and bearer token of the signed-in user" }),
  route({ method: "GET", path: "/api/auth/me", auth: "user", summary: "The signed-in user" }),
  route({ method: "POST", path: "/api/auth/password", auth: "user", summary: "Change your password; every other session and token ends", body: changePasswordSchema }),
  route({
    method: "POST",
    path: "/api/auth/token",
    auth: "public",
    summary: "Bearer tokens for scripts: `{email, password}`, OAuth2's password grant or a refresh token",
    description:
      "Also takes `application/x-www-form-urlencoded` (`grant_type=password&username=…&password=…`, or `grant_type=refresh_token&refresh_token=…`). Answers `{access_token, token_type: \"bearer\", expires_in, refresh_token}`. A refresh token works once; presenting a used one revokes every token of that sign-in. The login throttle applies.",
    body: tokenRequestSchema,
  }),
  route({ method: "POST", path: "/api/auth/password/forgot", auth: "public", summary: "Mail a single-use password-reset link (30 minutes); the same answer whether or not the address exists", body: forgotPasswordSchema }),
  route({ method: "POST", path: "/api/auth/password/reset", auth: "public", summary: "Set a new password with a reset link's token; every session and token of the user ends", body: resetPasswordSchema }),
  route({ method: "POST", path: "/api/auth/verify-email", auth: "public", summary: "Confirm an address with the token from the confirmation mail", body: verifyEmailSchema }),
  route({
    method: "GET",
    path: "/sso",
    auth: "public",
    summary: "SSO handoff from a host application: verifies the signed JWT, signs the user in and redirects (303) to return_to",
    description: "Errors are an HTML page with status 401 (bad, expired, replayed or unsigned token, foreign `return_to`) or 404 (SSO not configured). See docs/authentication.md.",
    query: ssoQuerySchema,
    produces: "none",
    status: 303,
  }),
];

const user: RouteDoc[] = [
  route({ method: "GET", path: "/api/user/limits", auth: "user", summary: "Balance, monthly quota, tokens and next grant, daily requests — per level" }),
  route({ method: "GET", path: "/api/user/balance/stream", auth: "user", summary: "The same as /api/user/limits, live", produces: "sse" }),
  route({ method: "GET", path: "/api/user/session/list", auth: "user", summary: "Your conversations, newest first", query: v.userSessionListQuery }),
  route({ method: "GET", path: "/api/user/session/detail/{id}", auth: "user", summary: "One of your conversations with its messages and requests", ...id }),
  route({ method: "GET", path: "/api/user/thread/list", auth: "user", summary: "Your requests, newest first", query: v.userThreadListQuery }),
  route({ method: "GET", path: "/api/user/thread/detail/{id}", auth: "user", summary: "One of your requests in full", ...id }),
  route({ method: "GET", path: "/api/user/keys", auth: "user", summary: "Your API keys (never the secrets)" }),
  route({ method: "POST", path: "/api/user/keys", auth: "session", summary: "Create an API key for yourself; the secret is in this answer only", body: createKeySchema, status: 201 }),
  route({ method: "POST", path: "/api/user/keys/{id}/revoke", auth: "session", summary: "Revoke one of your API keys" }),
  route({ method: "GET", path: "/api/user/usage", auth: "user", summary: "Your tokens and cost by day and model", query: usageQuerySchema }),
];

const chat: RouteDoc[] = [
  route({ method: "POST", path: "/api/chat", auth: "session", summary: "One chat turn from the chat page, streamed (AI SDK UI message stream)", body: chatRequestSchema, produces: "sse" }),
  route({ method: "GET", path: "/api/chat/models", auth: "session", summary: "The models you may chat with" }),
  route({ method: "PATCH", path: "/api/chat/sessions/{id}", auth: "session", summary: "Rename one of your conversations", body: renameSessionSchema }),
  route({ method: "DELETE", path: "/api/chat/sessions/{id}", auth: "session", summary: "Delete one of your conversations", produces: "none" }),
  route({ method: "GET", path: "/api/chat/sessions/{id}/events", auth: "session", summary: "A conversation's state now and whenever it changes", produces: "sse" }),
  route({ method: "PATCH", path: "/api/chat/sessions/{id}/branch", auth: "session", summary: "Show another version of a message (an edit or regeneration beside it) and the newest path through it", body: switchBranchSchema }),
  route({ method: "GET", path: "/api/chat/sessions/{id}/export", auth: "session", summary: "Download one of your conversations as Markdown or JSON (an attachment)", query: exportQuerySchema, produces: "text" }),
  route({ method: "GET", path: "/api/chat/sessions/{id}/share", auth: "session", summary: "Whether one of your conversations has a read-only share link" }),
  route({ method: "POST", path: "/api/chat/sessions/{id}/share", auth: "session", summary: "Make a read-only share link (replacing any earlier one); the link is in this answer only", status: 201 }),
  route({ method: "DELETE", path: "/api/chat/sessions/{id}/share", auth: "session", summary: "Revoke the conversation's share link", produces: "none" }),
  route({ method: "GET", path: "/api/chat/files/{id}", auth: "session", summary: "Download a file you attached to a chat message, as you sent it", produces: "text" }),
  route({ method: "POST", path: "/api/chat/messages/{id}/flag", auth: "session", summary: "Flag one of your messages for the admins", body: flagMessageSchema }),
  route({ method: "DELETE", path: "/api/chat/messages/{id}/flag", auth: "session", summary: "Take a flag back" }),
];

const admin: RouteDoc[] = [
  route({ method: "POST", path: "/api/admin/api-key/apply", auth: "admin", summary: "Issue an API key (creating its user when the email is new)", body: v.apiKeyApplySchema, status: 201 }),
  route({ method: "POST", path: "/api/admin/api-key/import", auth: "admin", summary: "Bring over existing keys (any prefix) with owner, quota and balance; idempotent; dry_run previews", body: keyImportBodySchema }),
  route({ method: "POST", path: "/api/admin/api-key/update", auth: "admin", summary: "Change a key's name, expiry, models, role and limits", body: v.apiKeyUpdateSchema }),
  route({ method: "POST", path: "/api/admin/api-key/recharge", auth: "admin", summary: "Top up a key's balance, once per idempotency key", body: v.apiKeyRechargeSchema }),
  route({ method: "POST", path: "/api/admin/api-key/revoke", auth: "admin", summary: "Revoke a key on every instance", body: v.idBodySchema }),
  route({ method: "GET", path: "/api/admin/api-key/list", auth: "admin", summary: "Keys with their owner and limits", query: v.apiKeyListQuery }),
  route({ method: "GET", path: "/api/admin/payment/list", auth: "admin", summary: "Recharges (manual and Stripe), newest first", query: v.paymentListQuery }),
  route({ method: "GET", path: "/api/admin/session/list", auth: "admin", summary: "Every user's conversations", query: v.sessionListQuery }),
  route({ method: "GET", path: "/api/admin/session/detail/{id}", auth: "admin", summary: "A conversation with its messages and requests", ...id }),
  route({ method: "DELETE", path: "/api/admin/session/{id}", auth: "admin", summary: "Delete a conversation (its requests stay for billing)", ...id }),
  route({ method: "GET", path: "/api/admin/thread/list", auth: "admin", summary: "Requests (threads), newest first", query: v.threadListQuery }),
  route({ method: "GET", path: "/api/admin/thread/detail/{id}", auth: "admin", summary: "One request: prompt, reply, tokens, cost, latency", ...id }),
  route({ method: "GET", path: "/api/admin/config", auth: "admin", summary: "Registration, global daily limit, default limits, rate-limit fail-open" }),
  route({ method: "POST", path: "/api/admin/config", auth: "admin", summary: "Change those settings", body: v.configUpdateSchema }),
  route({ method: "GET", path: "/api/admin/config/region", auth: "admin", summary: "The Bedrock regions requests are spread over" }),
  route({ method: "POST", path: "/api/admin/config/region", auth: "admin", summary: "Set the Bedrock regions", body: v.regionUpdateSchema }),
  route({ method: "GET", path: "/api/admin/user/list", auth: "admin", summary: "Accounts with their group and limits", query: v.userListQuery }),
  route({ method: "GET", path: "/api/admin/user/detail/{id}", auth: "admin", summary: "One account with its limits and keys", ...id }),
  route({ method: "POST", path: "/api/admin/user/create", auth: "admin", summary: "Create an account", body: v.userCreateSchema, status: 201 }),
  route({ method: "POST", path: "/api/admin/user/import", auth: "admin", summary: "Create or update accounts from rows or CSV (email, name, group, limits); dry_run previews", body: userImportBodySchema }),
  route({ method: "POST", path: "/api/admin/user/update", auth: "admin", summary: "Change an account's role, group, status, password and limits", body: v.userUpdateSchema }),
  route({ method: "POST", path: "/api/admin/user/delete", auth: "admin", summary: "Delete an account with its keys and history", body: v.idBodySchema }),
  route({ method: "POST", path: "/api/admin/user/sign-out", auth: "admin", summary: "End every session and bearer token of a user (\"sign out everywhere\")", body: v.idBodySchema }),
  route({ method: "GET", path: "/api/admin/group/list", auth: "admin", summary: "Groups with member count and shared limits", query: v.paginationQuerySchema }),
  route({ method: "POST", path: "/api/admin/group/create", auth: "admin", summary: "Create a group", body: v.groupCreateSchema, status: 201 }),
  route({ method: "POST", path: "/api/admin/group/update", auth: "admin", summary: "Rename a group or change its limits", body: v.groupUpdateSchema }),
  route({ method: "POST", path: "/api/admin/group/delete", auth: "admin", summary: "Delete a group (members stay, without a group)", body: v.idBodySchema }),
  route({ method: "GET", path: "/api/admin/provider/list", auth: "admin", summary: "Providers (credentials only as is-set flags)", query: v.providerListQuery }),
  route({ method: "POST", path: "/api/admin/provider/create", auth: "admin", summary: "Add a provider; secrets are stored encrypted", body: v.providerCreateBody, status: 201 }),
  route({ method: "POST", path: "/api/admin/provider/update", auth: "admin", summary: "Change a provider", body: v.providerUpdateBody }),
  route({ method: "POST", path: "/api/admin/provider/delete", auth: "admin", summary: "Remove a provider and its models", body: v.idBodySchema }),
  route({ method: "POST", path: "/api/admin/provider/test", auth: "admin", summary: "Try a provider's connection", body: v.idBodySchema }),
  route({ method: "POST", path: "/api/admin/provider/refresh", auth: "admin", summary: "Add the provider's models that are not in the catalog yet", body: v.idBodySchema }),
  route({ method: "GET", path: "/api/admin/model/list", auth: "admin", summary: "The model catalog with prices", query: v.modelListQuery }),
  route({ method: "POST", path: "/api/admin/model/create", auth: "admin", summary: "Publish a provider's model under a public id", body: v.modelCreateBody, status: 201 }),
  route({ method: "POST", path: "/api/admin/model/update", auth: "admin", summary: "Change a model's prices, upstream id, fallbacks or enabled flag", body: v.modelUpdateBody }),
  route({ method: "POST", path: "/api/admin/model/delete", auth: "admin", summary: "Remove a model from the catalog", body: v.idBodySchema }),
  route({ method: "GET", path: "/api/admin/ollama/models", auth: "admin", summary: "The models installed on the Ollama server", query: v.ollamaModelListQuery }),
  route({ method: "GET", path: "/api/admin/ollama/available", auth: "admin", summary: "Common Ollama models with their tags and sizes", query: v.paginationQuerySchema }),
  route({ method: "GET", path: "/api/admin/ollama/models/{name}/variants", auth: "admin", summary: "The tags (sizes) of one curated model", params: v.ollamaNameParams }),
  route({
    method: "POST",
    path: "/api/admin/ollama/models/{name}/install",
    auth: "admin",
    summary: "Pull a model onto the Ollama server, streaming progress",
    params: v.ollamaNameParams,
    query: v.ollamaProviderQuery,
    body: v.ollamaProviderBody,
    bodyRequired: false,
    produces: "ndjson",
  }),
  route({ method: "DELETE", path: "/api/admin/ollama/models/{name}", auth: "admin", summary: "Remove a model from the Ollama server", params: v.ollamaNameParams, query: v.ollamaProviderQuery }),
  route({ method: "GET", path: "/api/admin/usage", auth: "admin", summary: "Requests, tokens and cost per day, month, user, group, model or key", query: v.usageQuery }),
  route({ method: "GET", path: "/api/admin/usage/export", auth: "admin", summary: "The usage report as CSV", query: v.usageQuery, produces: "csv" }),
  route({ method: "POST", path: "/api/admin/usage/summary", auth: "admin", summary: "A written summary of a period, by a model through the gateway", body: v.usageSummarySchema }),
  route({ method: "GET", path: "/api/admin/audit", auth: "admin", summary: "The audit log: who changed what", query: v.auditListQuery }),
  route({ method: "GET", path: "/api/admin/flags", auth: "admin", summary: "Flagged messages with their conversation and user", query: v.flagListQuery }),
  route({ method: "GET", path: "/api/admin/logs", auth: "admin", summary: "The last lines of the structured log", query: v.logsQuery }),
  route({ method: "GET", path: "/api/admin/status", auth: "admin", summary: "Version, uptime, database and Redis state, sessions, requests today" }),
  route({ method: "GET", path: "/api/admin/metrics/stream", auth: "admin", summary: "Live server metrics every 5 s (CPU, memory, requests, active users)", produces: "sse" }),
];

// Payment routes answer 404 unless STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET are set (docs/payments.md).
const payments: RouteDoc[] = [
  route({ method: "GET", path: "/api/user/payments/options", auth: "user", summary: "What \"Add credit\" offers: currency, minimum, maximum and preset amounts" }),
  route({ method: "POST", path: "/api/user/payments/checkout", auth: "session", summary: "Start a Stripe Checkout for {amount}; answers the hosted page's URL", body: pay.checkoutSchema, status: 201 }),
  route({ method: "GET", path: "/api/user/payments", auth: "user", summary: "Your top-ups, newest first, with their state", query: pay.userPaymentListQuery }),
  route({ method: "GET", path: "/api/user/payments/{id}", auth: "user", summary: "One of your top-ups", ...id }),
  route({ method: "GET", path: "/api/user/payments/{id}/stream", auth: "user", summary: "One of your top-ups, live (pending → paid)", produces: "sse", ...id }),
  route({ method: "GET", path: "/api/user/billing", auth: "user", summary: "Your auto top-up and low-balance / quota alert settings" }),
  route({ method: "PUT", path: "/api/user/billing", auth: "session", summary: "Change your auto top-up and alert settings", body: pay.billingPreferencesSchema }),
  route({ method: "POST", path: "/api/payments/stripe/webhook", auth: "signed", summary: "Stripe's signed events (Stripe-Signature header): credits, failures, refunds, disputes — each applied once" }),
  route({ method: "GET", path: "/api/admin/payment/stripe", auth: "admin", summary: "Stripe top-ups by state and user, with totals per day", query: pay.stripePaymentListQuery }),
  route({ method: "POST", path: "/api/admin/payment/{id}/refund", auth: "admin", summary: "Refund a Stripe top-up (all, or {amount}); the balance follows Stripe's webhook", body: pay.refundSchema, ...id }),
];

const operations: RouteDoc[] = [
  route({ method: "GET", path: "/api/health", auth: "public", summary: "Liveness: the process answers and the database is reachable (503 otherwise or while draining)", response: healthSchema }),
  route({ method: "GET", path: "/api/ready", auth: "public", summary: "Readiness: database, Redis and at least one provider (503 otherwise or while draining); the parts only for an admin or METRICS_TOKEN", response: readinessSchema }),
  route({ method: "GET", path: "/api/metrics", auth: "metrics", summary: "Prometheus metrics (text exposition format)", produces: "text" }),
  route({ method: "GET", path: "/api/openapi.json", auth: "public", summary: "This document" }),
  route({ method: "POST", path: "/api/int/tokens", auth: "signed", summary: "Set (or create) a user's token quota by external id", body: integrationTokensSchema }),
];

const native: RouteDoc[] = [...gateway, ...accounts, ...user, ...chat, ...admin, ...payments, ...operations];
export const apiRoutes: RouteDoc[] = [...native, ...compatRoutes(native)];
