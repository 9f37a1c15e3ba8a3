// POST /api/auth/login – check email + password; set the session cookie or answer 401.
import { NextResponse } from "next/server";
import { parseBody } from "@/lib/api/body";
import { withPublic } from "@/lib/api/handler";
import { loginOrThrow, requirePasswordLogin, startSession } from "@/lib/auth/login";
import { loginSchema } from "@/lib/validations/auth";

export const POST = withPublic(async ({ req }) => {
  requirePasswordLogin();
  const { email, password } = await parseBody(req, loginSchema);
  const user = await loginOrThrow(req, email, password);
  return startSession(req, user, NextResponse.json({ user }));
});
