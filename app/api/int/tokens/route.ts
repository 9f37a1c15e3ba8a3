// POST /api/int/tokens – a signed call from another system that sets (or creates) a user's token quota by external id.
import { withPublic } from "@/lib/api/handler";
import { readBodyText, parseWith } from "@/lib/api/body";
import { AppError } from "@/lib/errors";
import { integrationTokensSchema, setTokensByExternalId, verifySignatureOrThrow } from "@/lib/integration/tokens";

export const POST = withPublic(async ({ req }) => {
  const raw = await readBodyText(req);
  await verifySignatureOrThrow(req.headers, raw);
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw new AppError("bad_request", "Request body is not valid JSON");
  }
  return setTokensByExternalId(parseWith(integrationTokensSchema, body));
});
