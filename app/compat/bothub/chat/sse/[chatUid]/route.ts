// GET /compat/bothub/chat/sse/{chatUid} – SSE: one chat's messages, now and after every change.
import { parseWith } from "@/lib/api/body";
import { withBothubUser } from "@/lib/compat/bothub/handler";
import { bothubChatParams } from "@/lib/compat/bothub/schemas";
import { bothubChatEvents } from "@/lib/compat/bothub/service";

export const dynamic = "force-dynamic";

export const GET = withBothubUser<{ chatUid: string }>(async ({ req, params, caller }) =>
  bothubChatEvents({ user: caller, chatUid: parseWith(bothubChatParams, params).chatUid, request: req }),
);
