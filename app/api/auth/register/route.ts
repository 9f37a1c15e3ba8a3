// POST /api/auth/register – create an account (when registration is open) and sign it in.
import { NextResponse } from "next/server";
import { withPublic } from "@/lib/api/handler";
import { parseBody } from "@/lib/api/body";
import { registerSchema } from "@/lib/validations/auth";
import { registerUser } from "@/lib/users/accounts";
import { startSession } from "@/lib/auth/login";

export const POST = withPublic(async ({ req }) => {
  const input = await parseBody(req, registerSchema);
  const user = await registerUser(input);
  return startSession(req, user, NextResponse.json({ user }, { status: 201 }), "register");
});
