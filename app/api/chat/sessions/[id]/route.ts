// PATCH /api/chat/sessions/{id} – rename one of your conversations.
// DELETE /api/chat/sessions/{id} – delete one of your conversations with its messages.

import { parseBody } from "@/lib/api/body";
import { withUser } from "@/lib/api/handler";
import { requireChatUser } from "@/lib/chat/principal";
import { deleteSessionOrThrow, renameSessionOrThrow } from "@/lib/chat/sessions";
import { renameSessionSchema } from "@/lib/validations/chat";

type Params = { id: string };

export const PATCH = withUser<Params>(async ({ req, caller, params }) => {
  const { userId } = requireChatUser(caller);
  const { title } = await parseBody(req, renameSessionSchema);
  return { session: await renameSessionOrThrow(params.id, userId, title) };
});

export const DELETE = withUser<Params>(async ({ caller, params }) => {
  const { userId } = requireChatUser(caller);
  await deleteSessionOrThrow(params.id, userId);
  return new Response(null, { status: 204 });
});
