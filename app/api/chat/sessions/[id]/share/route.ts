// GET /api/chat/sessions/{id}/share – whether one of your conversations has a read-only link.
// POST /api/chat/sessions/{id}/share – make a new read-only link (the old one stops working); shown once.
// DELETE /api/chat/sessions/{id}/share – revoke the link.
import { created, withUser } from "@/lib/api/handler";
import { requireChatUser } from "@/lib/chat/principal";
import { shareSessionOrThrow, shareStatusOrThrow, unshareSessionOrThrow } from "@/lib/chat/share";

export const dynamic = "force-dynamic";

type Params = { id: string };

export const GET = withUser<Params>(async ({ caller, params }) =>
  shareStatusOrThrow(params.id, requireChatUser(caller).userId),
);

export const POST = withUser<Params>(async ({ caller, params }) =>
  created(await shareSessionOrThrow(params.id, requireChatUser(caller).userId)),
);

export const DELETE = withUser<Params>(async ({ caller, params }) => {
  await unshareSessionOrThrow(params.id, requireChatUser(caller).userId);
  return new Response(null, { status: 204 });
});
