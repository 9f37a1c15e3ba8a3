import "server-only";
import { NextResponse } from "next/server";
import type { z } from "zod";
import { readBodyText, readJson } from "@/lib/api/body";
import { AppError } from "@/lib/errors";
import type { tokenRequestSchema } from "@/lib/validations/auth";
import { loginOrThrow } from "./login";
import { issueTokens, refreshTokens } from "./tokens";

const MAX_BODY = 16 * 1024;

/** The body as an object, from JSON or from an OAuth2 form (`application/x-www-form-urlencoded`). */
export async function readTokenRequest(req: Request): Promise<unknown> {
  const type = req.headers.get("content-type") ?? "";
  if (type.startsWith("application/x-www-form-urlencoded"))
    return Object.fromEntries(new URLSearchParams(await readBodyText(req, MAX_BODY)));
  if (type && !type.startsWith("application/json"))
    throw new AppError("unsupported_media_type", "Send JSON or application/x-www-form-urlencoded");
  return readJson(req, MAX_BODY);
}

/** Answers a token request; `cache-control: no-store` as OAuth2 asks for anything carrying tokens. */
export async function tokenGrant(req: Request, input: z.infer<typeof tokenRequestSchema>): Promise<Response> {
  const body =
    input.grant_type === "refresh_token"
      ? await refreshTokens(input.refresh_token!)
      : await issueTokens(await loginOrThrow(req, (input.email ?? input.username)!, input.password!));
  return NextResponse.json(body, { headers: { "cache-control": "no-store", pragma: "no-cache" } });
}
