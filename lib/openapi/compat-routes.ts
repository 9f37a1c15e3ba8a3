import * as bothub from "@/lib/compat/bothub/schemas";
import * as br from "@/lib/compat/brconnector/schemas";
import * as brousla from "@/lib/compat/brousla/schemas";
import * as gpt from "@/lib/compat/chatgpt/schemas";
import * as syn from "@/lib/compat/synapse/schemas";
import * as v from "@/lib/validations/admin";
import { type HttpMethod, type RouteDoc, describeRoute as route } from "./registry";

// The seed systems' APIs under /compat/<system>/ (docs/migrating.md has the table per system).
// A route that is the native one at another path copies the native description.

function same(native: RouteDoc[], method: HttpMethod, nativePath: string, path: string): RouteDoc {
  const doc = native.find((r) => r.method === method && r.path === nativePath);
  if (!doc) throw new Error(`OpenAPI: no native ${method} ${nativePath} to mirror at ${path}`);
  return {
    ...doc,
    path,
    description: [doc.description, `The native \`${nativePath}\` at the seed system's path.`]
      .filter(Boolean)
      .join("\n\n"),
  };
}

function brconnector(native: RouteDoc[]): RouteDoc[] {
  const p = "/compat/brconnector";
  const numbers =
    "Keys are addressed by their number (`id`, `key_id`) as BRConnector's clients store them, or by Tollgate's id; answers carry both (`id`, `tollgate_id`).";
  return [
    same(native, "POST", "/api/v1/chat/completions", `${p}/v1/chat/completions`),
    same(native, "GET", "/api/v1/models", `${p}/v1/models`),
    route({
      method: "POST",
      path: `${p}/admin/api-key/apply`,
      auth: "admin",
      summary: 'BRConnector: issue an API key (numeric group_id; `"email": ""` gives the key an account of its own)',
      description: `A numeric \`group_id\` is the group of that name, created on first use. ${numbers}`,
      body: br.brApplySchema,
      status: 201,
    }),
    route({
      method: "POST",
      path: `${p}/admin/api-key/update`,
      auth: "admin",
      summary: "BRConnector: change a key by its number",
      description: numbers,
      body: br.brUpdateSchema,
    }),
    route({
      method: "POST",
      path: `${p}/admin/api-key/recharge`,
      auth: "admin",
      summary: "BRConnector: top up a key (`api_key` + `balance`, or its number)",
      description: numbers,
      body: br.brRechargeSchema,
    }),
    route({
      method: "GET",
      path: `${p}/admin/api-key/list`,
      auth: "admin",
      summary: "BRConnector: keys with their numbers",
      description: numbers,
      query: v.apiKeyListQuery,
    }),
    route({
      method: "GET",
      path: `${p}/admin/payment/list`,
      auth: "admin",
      summary: "BRConnector: recharge history (`key_id` may be a number)",
      query: v.paymentListQuery,
    }),
    route({
      method: "GET",
      path: `${p}/admin/session/list`,
      auth: "admin",
      summary: "BRConnector: sessions (`key_id` may be a number)",
      query: v.sessionListQuery,
    }),
    route({
      method: "GET",
      path: `${p}/admin/thread/list`,
      auth: "admin",
      summary: "BRConnector: threads (`key_id` may be a number)",
      query: v.threadListQuery,
    }),
    same(native, "GET", "/api/admin/config/region", `${p}/admin/config/region`),
    same(native, "POST", "/api/admin/config/region", `${p}/admin/config/region`),
    same(native, "GET", "/api/user/session/list", `${p}/user/session/list`),
    same(native, "GET", "/api/user/session/detail/{id}", `${p}/user/session/detail/{id}`),
    same(native, "GET", "/api/user/thread/list", `${p}/user/thread/list`),
    same(native, "GET", "/api/user/thread/detail/{id}", `${p}/user/thread/detail/{id}`),
  ];
}

function synapse(): RouteDoc[] {
  const p = "/compat/synapse";
  const a = `${p}/admin/api`;
  const basic =
    'HTTP Basic with a SynapseChat username (`u` is the account `u@synapse.local`) or an email address; errors are `{ "detail": … }`.';
  const admin = `${basic} An administrator only.`;
  const r = (doc: Omit<RouteDoc, "auth" | "description"> & { admin?: boolean; note?: string }): RouteDoc => {
    const { admin: isAdmin, note, ...rest } = doc;
    return route({ ...rest, auth: "compat", description: [isAdmin ? admin : basic, note].filter(Boolean).join(" ") });
  };
  return [
    route({
      method: "GET",
      path: `${p}/ping`,
      auth: "public",
      summary: 'SynapseChat: `{message: "pong", user}` (user only with Basic credentials)',
    }),
    r({
      method: "POST",
      path: `${p}/chat/{session_id}`,
      summary:
        "SynapseChat: one chat turn `{model, prompt}` → `{response}`; the session is created on first use and keeps its history",
      params: syn.synapseSessionParams,
      body: syn.synapseChatSchema,
    }),
    r({
      method: "GET",
      path: `${p}/history/sessions`,
      summary: "SynapseChat: your sessions `[{session_id, created_at}]`",
    }),
    r({
      method: "GET",
      path: `${p}/history/{session_id}`,
      summary: "SynapseChat: a session's messages `[{role, model, content, timestamp}]`",
      params: syn.synapseSessionParams,
    }),
    r({
      method: "DELETE",
      path: `${p}/history/{session_id}`,
      summary: "SynapseChat: delete a session and its messages",
      params: syn.synapseSessionParams,
    }),
    r({ method: "GET", path: `${p}/limits`, summary: "SynapseChat: `{daily_limit, used, remaining}`" }),
    r({ method: "GET", path: `${a}/users`, admin: true, summary: "SynapseChat admin: users" }),
    r({
      method: "POST",
      path: `${a}/users`,
      admin: true,
      summary: "SynapseChat admin: create or update a user `{username, password, daily_limit}`",
      body: syn.synapseUserSchema,
      note: "Passwords follow Tollgate's policy (at least 8 characters).",
    }),
    r({
      method: "GET",
      path: `${a}/users/{username}`,
      admin: true,
      summary: "SynapseChat admin: one user",
      params: syn.synapseUsernameParams,
    }),
    r({
      method: "DELETE",
      path: `${a}/users/{username}`,
      admin: true,
      summary: "SynapseChat admin: delete an ordinary user",
      params: syn.synapseUsernameParams,
    }),
    r({ method: "GET", path: `${a}/config`, admin: true, summary: "SynapseChat admin: `{port, daily_limit}`" }),
    r({
      method: "POST",
      path: `${a}/config`,
      admin: true,
      summary: "SynapseChat admin: set the global daily limit",
      body: syn.synapseConfigSchema,
      note: "A port other than PORT's is refused (409): it is set in the environment and needs a restart.",
    }),
    r({ method: "GET", path: `${a}/models`, admin: true, summary: "SynapseChat admin: installed Ollama models" }),
    r({
      method: "GET",
      path: `${a}/models/available`,
      admin: true,
      summary: "SynapseChat admin: models that can be installed",
    }),
    r({
      method: "GET",
      path: `${a}/models/{name}/variants`,
      admin: true,
      summary: "SynapseChat admin: a model's variants",
      params: syn.synapseModelParams,
    }),
    r({
      method: "POST",
      path: `${a}/models/{name}/install`,
      admin: true,
      summary: "SynapseChat admin: install a model (progress as NDJSON lines)",
      params: syn.synapseModelParams,
      produces: "ndjson",
    }),
    r({
      method: "DELETE",
      path: `${a}/models/{name}`,
      admin: true,
      summary: "SynapseChat admin: remove a model",
      params: syn.synapseModelParams,
    }),
    r({
      method: "GET",
      path: `${a}/sessions`,
      admin: true,
      summary: "SynapseChat admin: every session with its message count",
    }),
    r({
      method: "GET",
      path: `${a}/sessions/{id}`,
      admin: true,
      summary: "SynapseChat admin: one session's messages",
      params: syn.synapseIdParams,
    }),
    r({
      method: "DELETE",
      path: `${a}/sessions/{id}`,
      admin: true,
      summary: "SynapseChat admin: delete a session",
      params: syn.synapseIdParams,
    }),
    r({
      method: "POST",
      path: `${a}/restart`,
      admin: true,
      summary: "SynapseChat admin: 501 — the process supervisor restarts Tollgate gracefully (the answer says how)",
      status: 501,
    }),
    r({
      method: "GET",
      path: `${a}/status`,
      admin: true,
      summary: "SynapseChat admin: port, state and number of sessions",
    }),
    r({
      method: "GET",
      path: `${a}/logs`,
      admin: true,
      summary: "SynapseChat admin: the last `lines` log lines",
      query: syn.synapseLogsQuery,
    }),
    r({ method: "GET", path: `${a}/usage`, admin: true, summary: "SynapseChat admin: requests per user" }),
    r({
      method: "GET",
      path: `${p}/admin/ws`,
      admin: true,
      summary:
        "SynapseChat admin: live metrics every five seconds — a WebSocket (scripts/serve.mjs), or server-sent events over plain HTTP",
      produces: "sse",
      note: "Credentials may also come as `?username=&password=`.",
    }),
  ];
}

function brouslaRoutes(): RouteDoc[] {
  const p = "/compat/brousla";
  const errors = 'Errors are FastAPI\'s `{ "detail": … }`.';
  const token = `\`Authorization: Bearer <access_token>\` from ${p}/auth/login (Tollgate's access token; a Tollgate API key works too). ${errors}`;
  return [
    route({
      method: "POST",
      path: `${p}/auth/register`,
      auth: "public",
      summary:
        "Brousla: register `{email, password}` (Tollgate's password policy; 202 when the address must be confirmed)",
      description: errors,
      body: brousla.brouslaRegisterSchema,
      status: 201,
    }),
    route({
      method: "POST",
      path: `${p}/auth/login`,
      auth: "public",
      summary: 'Brousla: `{email, password}` → `{access_token, token_type: "bearer"}`',
      description: errors,
      body: brousla.brouslaLoginSchema,
    }),
    route({
      method: "GET",
      path: `${p}/auth/me`,
      auth: "compat",
      summary: "Brousla: the signed-in user",
      description: token,
    }),
    route({
      method: "POST",
      path: `${p}/api/chat`,
      auth: "compat",
      summary:
        'Brousla: `{messages, model, temperature, stream}` → `{content, model}`, or with `stream: true` `data: {"content": …}` events ending in `data: [DONE]`',
      description: `${token} Without \`model\`, OPENAI_MODEL's.`,
      body: brousla.brouslaChatSchema,
    }),
  ];
}

function bothubRoutes(native: RouteDoc[]): RouteDoc[] {
  const p = "/compat/bothub";
  const errors = "Errors are Express-style `{ message, statusCode }`.";
  const token = `\`Authorization: Bearer <accessToken>\` from ${p}/auth/login. ${errors}`;
  const r = (doc: Omit<RouteDoc, "auth" | "description"> & { note?: string }): RouteDoc => {
    const { note, ...rest } = doc;
    return route({ ...rest, auth: "compat", description: [token, note].filter(Boolean).join(" ") });
  };
  return [
    route({
      method: "POST",
      path: `${p}/auth/register`,
      auth: "public",
      summary: "Bothub: register (`role: ADMIN` is refused with 403: an administrator grants it)",
      description: errors,
      body: bothub.bothubRegisterSchema,
      status: 201,
    }),
    route({
      method: "POST",
      path: `${p}/auth/login`,
      auth: "public",
      summary: "Bothub: `{mail, password}` → `{accessToken, refreshToken, expiresIn}`",
      description: errors,
      body: bothub.bothubLoginSchema,
    }),
    route({
      method: "POST",
      path: `${p}/auth/refresh`,
      auth: "public",
      summary: "Bothub: a new token pair for a refresh token (rotated; a reused one revokes the sign-in)",
      description: errors,
      body: bothub.bothubRefreshSchema,
    }),
    r({
      method: "POST",
      path: `${p}/transaction/my/make`,
      summary: "Bothub: refused with 402 — a balance is credited only by a payment or an admin's recharge",
      body: bothub.bothubTransactionSchema,
      status: 402,
    }),
    { ...same(native, "GET", "/api/user/balance/stream", `${p}/transaction/balance-sse`), auth: "user" },
    r({
      method: "POST",
      path: `${p}/model/create`,
      summary: "Bothub: a model and its own OpenAI-compatible upstream in one step (admins); `token_cost` per token",
      body: bothub.bothubModelSchema,
      status: 201,
    }),
    r({ method: "POST", path: `${p}/chat/create`, summary: "Bothub: a new chat → `{chatUid}`", status: 201 }),
    r({
      method: "POST",
      path: `${p}/chat/message`,
      summary: "Bothub: send a message; the answer comes back and on the chat's event stream",
      body: bothub.bothubMessageSchema,
    }),
    r({ method: "GET", path: `${p}/chat/sse`, summary: "Bothub: the caller's chats, live", produces: "sse" }),
    r({
      method: "GET",
      path: `${p}/chat/sse/{chatUid}`,
      summary: "Bothub: one chat's messages, live",
      params: bothub.bothubChatParams,
      produces: "sse",
    }),
  ];
}

function chatgptRoutes(): RouteDoc[] {
  const p = "/compat/chatgpt";
  const errors = "Errors are `{ message, statusCode }`.";
  const session = `\`s\` is the session from ${p}/chat/thread (\`session.s\`). ${errors}`;
  const r = (doc: Omit<RouteDoc, "auth" | "description">): RouteDoc =>
    route({ ...doc, auth: "compat", description: session });
  const a = (doc: Omit<RouteDoc, "auth" | "description">): RouteDoc =>
    route({ ...doc, auth: "admin", description: errors });
  return [
    route({
      method: "GET",
      path: `${p}/chat/thread`,
      auth: "compat",
      summary:
        "ChatGPT app: the user's thread, tokens and session — `s` is the host's signed SSO token (taken once, exchanged for `session.s`) or `session.s`",
      description: `The host signs \`s\` as for GET /sso (SSO_SHARED_SECRET; SHARED_SECRET carries over). ${errors}`,
      query: gpt.chatgptThreadQuery,
    }),
    r({
      method: "GET",
      path: `${p}/chat/file`,
      summary: "ChatGPT app: an attached image (`id` = `<message id>:<part>`)",
      query: gpt.chatgptFileQuery,
      produces: "text",
    }),
    r({
      method: "GET",
      path: `${p}/chat/flag`,
      summary: "ChatGPT app: flag message `m` of thread `t`",
      query: gpt.chatgptFlagQuery,
    }),
    r({
      method: "GET",
      path: `${p}/chat/message`,
      summary:
        "ChatGPT app: send `m` to thread `t`; `delta`, `usage` and `done` events (429 when the token allowance is spent)",
      query: gpt.chatgptMessageQuery,
      produces: "sse",
    }),
    a({
      method: "GET",
      path: `${p}/dashboard/overall/usage`,
      summary: "ChatGPT app dashboard: usage by day, month, company and user",
      query: gpt.chatgptRangeQuery,
    }),
    a({
      method: "POST",
      path: `${p}/dashboard/overall/resume`,
      summary: "ChatGPT app dashboard: a written summary of the usage (a model through the gateway)",
      body: gpt.chatgptResumeSchema,
    }),
    a({
      method: "GET",
      path: `${p}/dashboard/transactions`,
      summary: "ChatGPT app dashboard: ledger rows with totals per kind",
      query: gpt.chatgptTransactionsQuery,
    }),
    a({
      method: "GET",
      path: `${p}/dashboard/users`,
      summary: "ChatGPT app dashboard: users",
      query: gpt.chatgptUsersQuery,
    }),
    a({
      method: "GET",
      path: `${p}/dashboard/users/{id}`,
      summary: "ChatGPT app dashboard: one user",
      params: gpt.chatgptIdParams,
    }),
    a({
      method: "POST",
      path: `${p}/dashboard/users/{id}/tokens`,
      summary: "ChatGPT app dashboard: set token balance and grant",
      params: gpt.chatgptIdParams,
      body: gpt.chatgptTokensSchema,
    }),
    route({
      method: "POST",
      path: `${p}/int/tokens`,
      auth: "signed",
      summary: "ChatGPT app: set the token quota of the user with internal `id` (`?id=&quota=`, body `{int}`)",
      description: `Signed like /api/int/tokens, over \`<timestamp>.<query string>.<body>\` (e.g. \`1700000000.?id=42&quota=1000.{}\`). ${errors}`,
      query: gpt.chatgptIntTokensQuery,
      body: gpt.chatgptIntTokensBody,
      bodyRequired: false,
    }),
  ];
}

export function compatRoutes(native: RouteDoc[]): RouteDoc[] {
  return [...brconnector(native), ...synapse(), ...brouslaRoutes(), ...bothubRoutes(native), ...chatgptRoutes()];
}
