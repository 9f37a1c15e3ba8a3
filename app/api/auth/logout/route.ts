// POST /api/auth/logout – clear the session cookie.
import { NextResponse } from "next/server";
import { withPublic } from "@/lib/api/handler";
import { clearedSessionCookies } from "@/lib/auth/session";

export const POST = withPublic(async () => {
  const res = NextResponse.json({ ok: true });
  for (const cookie of clearedSessionCookies()) res.headers.append("set-cookie", cookie);
  return res;
});
