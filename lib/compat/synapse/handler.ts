import "server-only";
import { type HandlerContext, wrap } from "@/lib/api/handler";
import { type Caller, requireAdmin } from "@/lib/auth/caller";
import { type ChatUser, requireChatUser } from "@/lib/chat/principal";
import { callerFromUsernameBasic } from "../basic-username";
import { fastApiError } from "../errors";

// SynapseChat's way in: HTTP Basic on everything (but /ping), usernames for accounts, FastAPI's
// `{ "detail": … }` errors. Admin routes need an administrator.

export const SYNAPSE_DOMAIN = "synapse.local";
const REALM = "SynapseChat";

type Handler<P, C> = (ctx: HandlerContext<P, C>) => Promise<Response | object | null>;

export function synapseCaller(req: Request, header?: string | null): Promise<Caller> {
  return callerFromUsernameBasic(req, { domain: SYNAPSE_DOMAIN, realm: REALM, header });
}

export function withSynapseUser<P = Record<string, never>>(handler: Handler<P, ChatUser & { caller: Caller }>) {
  return wrap<P, ChatUser & { caller: Caller }>(
    async (req) => {
      const caller = await synapseCaller(req);
      return { ...requireChatUser(caller), caller };
    },
    handler,
    fastApiError,
  );
}

export function withSynapseAdmin<P = Record<string, never>>(handler: Handler<P, Caller>) {
  return wrap<P, Caller>(
    async (req) => {
      const caller = await synapseCaller(req);
      requireAdmin(caller);
      return caller;
    },
    handler,
    fastApiError,
  );
}

/** /ping: no credentials needed; with valid ones the answer names the user. */
export function withSynapseOptional<P = Record<string, never>>(handler: Handler<P, Caller | null>) {
  return wrap<P, Caller | null>(
    async (req) => (req.headers.has("authorization") ? synapseCaller(req) : null),
    handler,
    fastApiError,
  );
}

/** /admin/ws: Basic in the header, or (as SynapseChat's document allows for WebSocket clients) `?username=&password=`. */
export function withSynapseAdminWs<P = Record<string, never>>(handler: Handler<P, Caller>) {
  return wrap<P, Caller>(
    async (req) => {
      const q = new URL(req.url).searchParams;
      const fromQuery = q.has("username")
        ? `Basic ${Buffer.from(`${q.get("username")}:${q.get("password") ?? ""}`).toString("base64")}`
        : undefined;
      const caller = await synapseCaller(req, req.headers.get("authorization") ?? fromQuery ?? null);
      requireAdmin(caller);
      return caller;
    },
    handler,
    fastApiError,
  );
}
