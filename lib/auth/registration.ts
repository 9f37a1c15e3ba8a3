import "server-only";
import { NextResponse } from "next/server";
import { config } from "@/lib/config";
import { isAppError } from "@/lib/errors";
import { type PublicUser, registerUser } from "@/lib/users/accounts";
import { requirePasswordLogin, startSession } from "./login";
import { sendAlreadyRegisteredMail, sendVerificationMail } from "./mail-links";

const CHECK_MAIL = "Check your mail: we sent a link to confirm the address, then sign in.";

/**
 * Registration. By default the account is created and signed in (201), and a taken address is a 409.
 * With REQUIRE_EMAIL_VERIFICATION the answer is the same 202 whether or not the address had an
 * account — the mail says which (a confirmation link, or "you already have an account") — so the
 * form cannot be used to find out who has one.
 */
export async function registerFromRequest(
  req: Request,
  input: { email: string; password: string; name: string },
): Promise<Response> {
  const result = await registerAccount(req, input);
  if ("pending" in result) return NextResponse.json({ ok: true, message: CHECK_MAIL }, { status: 202 });
  return startSession(req, result.user, NextResponse.json({ user: result.user }, { status: 201 }), "register");
}

/** The account part of registration, without a session (the seed systems' register endpoints sign in separately). */
export async function registerAccount(
  req: Request,
  input: { email: string; password: string; name: string },
): Promise<{ user: PublicUser } | { pending: true; message: string }> {
  requirePasswordLogin();
  if (!config().REQUIRE_EMAIL_VERIFICATION) return { user: await registerUser(input) };
  try {
    const user = await registerUser({ ...input, unverified: true });
    await sendVerificationMail(req, user);
  } catch (err) {
    if (!isAppError(err) || err.code !== "conflict") throw err;
    sendAlreadyRegisteredMail(req, input.email);
  }
  return { pending: true, message: CHECK_MAIL };
}
