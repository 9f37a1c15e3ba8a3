// POST /compat/brousla/api/chat – Brousla's chat {messages, model, temperature, stream} → {content, model} or `data: {"content"}` events, through the gateway.
import { parseBody } from "@/lib/api/body";
import { withBrouslaPublic } from "@/lib/compat/brousla/handler";
import { brouslaChatSchema } from "@/lib/compat/brousla/schemas";
import { brouslaChat, brouslaPrincipalOrThrow } from "@/lib/compat/brousla/service";
import { GATEWAY_BODY_LIMIT } from "@/lib/gateway/pipeline";

export const POST = withBrouslaPublic(async ({ req, requestId }) => {
  const principal = await brouslaPrincipalOrThrow(req);
  const body = await parseBody(req, brouslaChatSchema, GATEWAY_BODY_LIMIT);
  return brouslaChat({ principal, body, requestId, signal: req.signal });
});
