import { describeRoute as route, type HttpMethod, type RouteDoc } from "./registry";
import * as v from "@/lib/validations/admin";
import * as br from "@/lib/compat/brconnector/schemas";

// The seed systems' APIs under /compat/<system>/ (docs/migrating.md has the table per system).
// A route that is the native one at another path copies the native description.

function same(native: RouteDoc[], method: HttpMethod, nativePath: string, path: string): RouteDoc {
  const doc = native.find((r) => r.method === method && r.path === nativePath);
  if (!doc) throw new Error(`OpenAPI: no native ${method} ${nativePath} to mirror at ${path}`);
  return { ...doc, path, description: [doc.description, `The native \`${nativePath}\` at BRConnector's path.`].filter(Boolean).join("\n\n") };
}

function brconnector(native: RouteDoc[]): RouteDoc[] {
  const p = "/compat/brconnector";
  const numbers = "Keys are addressed by their number (`id`, `key_id`) as BRConnector's clients store them, or by Tollgate's id; answers carry both (`id`, `tollgate_id`).";
  return [
    same(native, "POST", "/api/v1/chat/completions", `${p}/v1/chat/completions`),
    same(native, "GET", "/api/v1/models", `${p}/v1/models`),
    route({
      method: "POST",
      path: `${p}/admin/api-key/apply`,
      auth: "admin",
      summary: "BRConnector: issue an API key (numeric group_id; `\"email\": \"\"` gives the key an account of its own)",
      description: `A numeric \`group_id\` is the group of that name, created on first use. ${numbers}`,
      body: br.brApplySchema,
      status: 201,
    }),
    route({ method: "POST", path: `${p}/admin/api-key/update`, auth: "admin", summary: "BRConnector: change a key by its number", description: numbers, body: br.brUpdateSchema }),
    route({ method: "POST", path: `${p}/admin/api-key/recharge`, auth: "admin", summary: "BRConnector: top up a key (`api_key` + `balance`, or its number)", description: numbers, body: br.brRechargeSchema }),
    route({ method: "GET", path: `${p}/admin/api-key/list`, auth: "admin", summary: "BRConnector: keys with their numbers", description: numbers, query: v.apiKeyListQuery }),
    route({ method: "GET", path: `${p}/admin/payment/list`, auth: "admin", summary: "BRConnector: recharge history (`key_id` may be a number)", query: v.paymentListQuery }),
    route({ method: "GET", path: `${p}/admin/session/list`, auth: "admin", summary: "BRConnector: sessions (`key_id` may be a number)", query: v.sessionListQuery }),
    route({ method: "GET", path: `${p}/admin/thread/list`, auth: "admin", summary: "BRConnector: threads (`key_id` may be a number)", query: v.threadListQuery }),
    same(native, "GET", "/api/admin/config/region", `${p}/admin/config/region`),
    same(native, "POST", "/api/admin/config/region", `${p}/admin/config/region`),
    same(native, "GET", "/api/user/session/list", `${p}/user/session/list`),
    same(native, "GET", "/api/user/session/detail/{id}", `${p}/user/session/detail/{id}`),
    same(native, "GET", "/api/user/thread/list", `${p}/user/thread/list`),
    same(native, "GET", "/api/user/thread/detail/{id}", `${p}/user/thread/detail/{id}`),
  ];
}

export function compatRoutes(native: RouteDoc[]): RouteDoc[] {
  return [...brconnector(native)];
}
