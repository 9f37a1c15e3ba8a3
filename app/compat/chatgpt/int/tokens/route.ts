// POST /compat/chatgpt/int/tokens – a signed call (as /api/int/tokens) setting the token quota of the user with internal `id` (`?id=&quota=`, body `{int}`).
import { parseQuery, parseWith, readBodyText } from "@/lib/api/body";
import { withChatgptPublic } from "@/lib/compat/chatgpt/handler";
import { chatgptIntTokensBody, chatgptIntTokensQuery } from "@/lib/compat/chatgpt/schemas";
import { AppError } from "@/lib/errors";
import { setTokensByExternalId, verifySignatureOrThrow } from "@/lib/integration/tokens";

export const POST = withChatgptPublic(async ({ req }) => {
  const raw = await readBodyText(req);
  await verifySignatureOrThrow(req.headers, `${new URL(req.url).search}.${raw}`);
  const { id, quota } = parseQuery(req, chatgptIntTokensQuery);
  let json: unknown = {};
  try {
    json = raw ? JSON.parse(raw) : {};
  } catch {
    throw new AppError("bad_request", "Request body is not valid JSON");
  }
  const body = parseWith(chatgptIntTokensBody, json);
  return setTokensByExternalId({
    external_id: id,
    token_allowance: quota,
    email: body.int?.email,
    name: body.int?.name,
  });
});
