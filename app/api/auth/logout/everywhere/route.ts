// POST /api/auth/logout/everywhere – end every session and bearer token of the signed-in user (this one too).
import { NextResponse } from "next/server";
import { withUser } from "@/lib/api/handler";
import { clearedSessionCookies } from "@/lib/auth/session";
import { signOutEverywhere } from "@/lib/auth/sign-out";
import { requireSignedInUser } from "@/lib/chat/principal";

export const POST = withUser(async ({ caller }) => {
  const { userId } = requireSignedInUser(caller);
  const res = NextResponse.json(await signOutEverywhere({ userId, actor: caller }));
  for (const cookie of clearedSessionCookies()) res.headers.append("set-cookie", cookie);
  return res;
});
