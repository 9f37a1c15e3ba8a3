// GET /api/user/keys – your API keys (never the secrets).
// POST /api/user/keys – create a key for yourself; the secret is in this answer only.

import { parseBody } from "@/lib/api/body";
import { created, withUser } from "@/lib/api/handler";
import { requireUserId } from "@/lib/auth/caller";
import { createOwnKey } from "@/lib/chat/keys";
import { requireChatUser } from "@/lib/chat/principal";
import { listKeysForUser } from "@/lib/keys/service";
import { createKeySchema } from "@/lib/validations/chat";

export const dynamic = "force-dynamic";

export const GET = withUser(async ({ caller }) => ({ items: await listKeysForUser(requireUserId(caller)) }));

export const POST = withUser(async ({ req, caller }) => {
  const { userId } = requireChatUser(caller);
  const input = await parseBody(req, createKeySchema);
  const { key, record } = await createOwnKey(userId, input);
  return created({ key, record });
});
