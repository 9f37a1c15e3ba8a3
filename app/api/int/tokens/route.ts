// POST /api/int/tokens – a signed call from another system that sets (or creates) a user's token quota by external id.

import { parseJsonText, parseWith, readBodyText } from "@/lib/api/body";
import { withPublic } from "@/lib/api/handler";
import { integrationTokensSchema, setTokensByExternalId, verifySignatureOrThrow } from "@/lib/integration/tokens";

export const POST = withPublic(async ({ req }) => {
  // The signature covers the exact bytes, so the text is read first and parsed (depth-bounded) after.
  const raw = await readBodyText(req);
  await verifySignatureOrThrow(req.headers, raw);
  return setTokensByExternalId(parseWith(integrationTokensSchema, parseJsonText(raw)));
});
