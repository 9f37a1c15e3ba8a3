// POST /api/auth/logout – end this browser session (server-side too) and clear its cookie.
import { NextResponse } from "next/server";
import { withPublic } from "@/lib/api/handler";
import { clearedSessionCookies } from "@/lib/auth/session";
import { endSessionOfRequest } from "@/lib/auth/sign-out";
import { config } from "@/lib/config";

export const POST = withPublic(async ({ req }) => {
  await endSessionOfRequest(req);
  const res = NextResponse.json({ ok: true, redirect: config().LOGIN_URL ?? "/login" });
  for (const cookie of clearedSessionCookies()) res.headers.append("set-cookie", cookie);
  return res;
});
