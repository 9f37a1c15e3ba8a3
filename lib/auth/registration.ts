import "server-only";
import { NextResponse } from "next/server";
import { config } from "@/lib/config";
import { isAppError } from "@/lib/errors";
import { registerUser } from "@/lib/users/accounts";
import { requirePasswordLogin, startSession } from "./login";
import { sendAlreadyRegisteredMail, sendVerificationMail } from "./mail-links";

const CHECK_MAIL = "Check your mail: we sent a link to confirm the address, then sign in.";

/**
 * Registration. By default the account is created and signed in (201), and a taken address is a 409.
 * With REQUIRE_EMAIL_VERIFICATION the answer is the same 202 whether or not the address had an
 * account — the mail says which (a confirmation link, or "you already have an account") — so the
 * form cannot be used to find out who has one.
 */
export async function registerFromRequest(req: Request, input: { email: string; password: string; name: string }): Promise<Response> {
  requirePasswordLogin();
  if (!config().REQUIRE_EMAIL_VERIFICATION) {
    const user = await registerUser(input);
    return startSession(req, user, NextResponse.json({ user }, { status: 201 }), "register");
  }
  try {
    const user = await registerUser({ ...input, unverified: true });
    await sendVerificationMail(req, user);
  } catch (err) {
    if (!isAppError(err) || err.code !== "conflict") throw err;
    sendAlreadyRegisteredMail(req, input.email);
  }
  return NextResponse.json({ ok: true, message: CHECK_MAIL }, { status: 202 });
}
