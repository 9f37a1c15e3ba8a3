// GET /api/chat/files/{id} – download a file you attached to a chat message, as you sent it.
import { withUser } from "@/lib/api/handler";
import { downloadFileOrThrow } from "@/lib/chat/files";
import { requireChatUser } from "@/lib/chat/principal";

export const dynamic = "force-dynamic";

export const GET = withUser<{ id: string }>(async ({ caller, params }) =>
  downloadFileOrThrow(params.id, requireChatUser(caller).userId),
);
