// POST /compat/chatgpt/int/tokens – a signed call (as /api/int/tokens) setting the token quota of the user with internal `id` (`?id=&quota=`, body `{int}`).
import { parseJsonText, parseQuery, parseWith, readBodyText } from "@/lib/api/body";
import { withChatgptPublic } from "@/lib/compat/chatgpt/handler";
import { chatgptIntTokensBody, chatgptIntTokensQuery } from "@/lib/compat/chatgpt/schemas";
import { setTokensByExternalId, verifySignatureOrThrow } from "@/lib/integration/tokens";

export const POST = withChatgptPublic(async ({ req }) => {
  const raw = await readBodyText(req);
  await verifySignatureOrThrow(req.headers, `${new URL(req.url).search}.${raw}`);
  const { id, quota } = parseQuery(req, chatgptIntTokensQuery);
  // Depth-bounded like every other body (parseJsonText), though the signature already vouches for it.
  const body = parseWith(chatgptIntTokensBody, raw ? parseJsonText(raw) : {});
  return setTokensByExternalId({
    external_id: id,
    token_allowance: quota,
    email: body.int?.email,
    name: body.int?.name,
  });
});
