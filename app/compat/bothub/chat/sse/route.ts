// GET /compat/bothub/chat/sse – SSE: the caller's chats, now and after every change.
import { withBothubUser } from "@/lib/compat/bothub/handler";
import { bothubAllChatEvents } from "@/lib/compat/bothub/service";

export const dynamic = "force-dynamic";

export const GET = withBothubUser(async ({ req, caller }) => bothubAllChatEvents({ user: caller, request: req }));
