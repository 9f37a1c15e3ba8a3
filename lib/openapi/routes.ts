import { describeRoute as route, type RouteDoc } from "./registry";
import { healthSchema, readinessSchema } from "./schemas";
import * as v from "@/lib/validations/admin";
import { keyImportBodySchema, userImportBodySchema } from "@/lib/validations/import";
import { changePasswordSchema, loginSchema, registerSchema } from "@/lib/validations/auth";
import { chatCompletionRequestSchema } from "@/lib/gateway/request-schema";
import { chatRequestSchema, createKeySchema, flagMessageSchema, renameSessionSchema, usageQuerySchema } from "@/lib/chat/schemas";
import { integrationTokensSchema } from "@/lib/integration/tokens";
import * as pay from "@/lib/validations/payments";

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
  }),
  route({ method: "GET", path: "/api/v1/models", auth: "apiKey", summary: "The models this key may use, with prices per million tokens" }),
];

const accounts: RouteDoc[] = [
  route({ method: "POST", path: "/api/auth/register", auth: "public", summary: "Create an account (when registration is open) and sign it in", body: registerSchema, status: 201 }),
  route({ method: "POST", path: "/api/auth/login", auth: "public", summary: "Sign in with email and password (sets the session cookie)", body: loginSchema }),
  route({ method: "POST", path: "/api/auth/logout", auth: "public", summary: "Clear the session cookie" }),
  route({ method: "GET", path: "/api/auth/me", auth: "user", summary: "The signed-in user" }),
  route({ method: "POST", path: "/api/auth/password", auth: "session", summary: "Change your password", body: changePasswordSchema }),
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
  route({ method: "GET", path: "/api/ready", auth: "public", summary: "Readiness: database, Redis and at least one provider (503 otherwise or while draining)", response: readinessSchema }),
  route({ method: "GET", path: "/api/metrics", auth: "metrics", summary: "Prometheus metrics (text exposition format)", produces: "text" }),
  route({ method: "GET", path: "/api/openapi.json", auth: "public", summary: "This document" }),
  route({ method: "POST", path: "/api/int/tokens", auth: "signed", summary: "Set (or create) a user's token quota by external id", body: integrationTokensSchema }),
];

export const apiRoutes: RouteDoc[] = [...gateway, ...accounts, ...user, ...chat, ...admin, ...payments, ...operations];
