import "server-only";
import { NextResponse } from "next/server";
import type { z } from "zod";
import type { Caller } from "@/lib/auth/caller";
import { loginOrThrow } from "@/lib/auth/login";
import { registerAccount } from "@/lib/auth/registration";
import { issueTokens } from "@/lib/auth/tokens";
import { config } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { apiPrincipalOrThrow } from "@/lib/gateway/api-principal";
import { type GatewayInput, runChatCompletion } from "@/lib/gateway/pipeline";
import { getCurrentUserOrThrow } from "@/lib/users/queries";
import type { brouslaChatSchema, brouslaLoginSchema, brouslaRegisterSchema } from "./schemas";

// Brousla's auth and chat over Tollgate's: registration and login are the native ones (with
// their throttle and policy), its JWT is Tollgate's access token, and a chat goes through the
// one gateway pipeline, its answer reshaped to `{content, model}` or `data: {"content": …}`.

export async function brouslaRegister(req: Request, input: z.infer<typeof brouslaRegisterSchema>) {
  const result = await registerAccount(req, { ...input, name: "" });
  if ("pending" in result) return NextResponse.json({ detail: result.message }, { status: 202 });
  const u = result.user;
  return NextResponse.json({ id: u.id, email: u.email, created_at: u.createdAt }, { status: 201 });
}

export async function brouslaLogin(req: Request, input: z.infer<typeof brouslaLoginSchema>) {
  const tokens = await issueTokens(await loginOrThrow(req, input.email, input.password));
  return NextResponse.json(
    { access_token: tokens.access_token, token_type: "bearer", expires_in: tokens.expires_in },
    { headers: { "cache-control": "no-store" } },
  );
}

export async function brouslaMe(caller: Caller) {
  const user = await getCurrentUserOrThrow(caller);
  return { id: user.id, email: user.email, name: user.name, role: user.role, created_at: user.createdAt };
}

function modelOrThrow(model: string | undefined): string {
  const chosen = model ?? config().DEFAULT_MODEL;
  if (!chosen)
    throw new AppError(
      "validation_error",
      "model: is required (or set OPENAI_MODEL on the server for requests that name none)",
      { param: "model" },
    );
  return chosen;
}

/** The caller behind a Brousla chat: its login's token (or a Tollgate key or Basic), as on /v1. */
export const brouslaPrincipalOrThrow = apiPrincipalOrThrow;

export async function brouslaChat(input: {
  principal: GatewayInput["principal"];
  body: z.infer<typeof brouslaChatSchema>;
  requestId: string;
  signal: AbortSignal;
}) {
  const { principal } = input;
  const model = modelOrThrow(input.body.model);
  const stream = input.body.stream === true;
  const res = await runChatCompletion({
    principal,
    body: {
      model,
      messages: input.body.messages,
      ...(input.body.temperature === undefined ? {} : { temperature: input.body.temperature }),
      stream,
    },
    requestId: input.requestId,
    signal: input.signal,
  });
  if (!stream) {
    const body = (await res.json()) as { model?: string; choices?: Array<{ message?: { content?: string | null } }> };
    return { content: body.choices?.[0]?.message?.content ?? "", model };
  }
  return new Response(res.body!.pipeThrough(contentEvents()), {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", ...rateHeaders(res) },
  });
}

function rateHeaders(res: Response): Record<string, string> {
  return Object.fromEntries(
    [...res.headers].filter(([k]) => k.startsWith("x-ratelimit") || k.startsWith("x-tollgate")),
  );
}

/** OpenAI chunks → Brousla's `data: {"content": "…"}` events; `data: [DONE]` and error events pass as they are. */
function contentEvents(): TransformStream<Uint8Array, Uint8Array> {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let buffer = "";
  const convert = (event: string, out: TransformStreamDefaultController<Uint8Array>) => {
    for (const line of event.split("\n")) {
      if (!line.startsWith("data: ")) continue;
      const data = line.slice(6).trim();
      if (data === "[DONE]") return out.enqueue(encoder.encode("data: [DONE]\n\n"));
      const parsed = JSON.parse(data) as { choices?: Array<{ delta?: { content?: string | null } }>; error?: unknown };
      if (parsed.error) out.enqueue(encoder.encode(`data: ${JSON.stringify({ error: parsed.error })}\n\n`));
      const content = parsed.choices?.[0]?.delta?.content;
      if (content) out.enqueue(encoder.encode(`data: ${JSON.stringify({ content })}\n\n`));
    }
  };
  return new TransformStream({
    transform(chunk, out) {
      buffer += decoder.decode(chunk, { stream: true });
      let end;
      while ((end = buffer.indexOf("\n\n")) !== -1) {
        convert(buffer.slice(0, end), out);
        buffer = buffer.slice(end + 2);
      }
    },
    flush(out) {
      if (buffer.trim()) convert(buffer, out);
    },
  });
}
