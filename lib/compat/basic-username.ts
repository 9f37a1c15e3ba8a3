import "server-only";
import { callerFromBasic } from "@/lib/auth/methods/http-basic";
import { type Caller, credentialsFrom } from "@/lib/auth/methods/types";
import { AppError } from "@/lib/errors";

// HTTP Basic for seed systems whose accounts are usernames, not email addresses (SynapseChat's
// `admin`, `u`): a name without `@` is the Tollgate account `<name>@<domain>`; everything else —
// the password check, its throttle and its cache — is Tollgate's own Basic.

export function emailForUsername(username: string, domain: string): string {
  return username.includes("@") ? username : `${username}@${domain}`;
}

export function usernameForEmail(email: string, domain: string): string {
  return email.endsWith(`@${domain}`) ? email.slice(0, -domain.length - 1) : email;
}

function challenge(realm: string, message: string): AppError {
  return new AppError("unauthorized", message, {
    headers: { "www-authenticate": `Basic realm="${realm}", charset="UTF-8"` },
  });
}

/** `Authorization: Basic base64(username:password)`; throws 401 with the system's own challenge. */
export async function callerFromUsernameBasic(
  req: Request,
  opts: { domain: string; realm: string; header?: string | null },
): Promise<Caller> {
  const header = opts.header === undefined ? req.headers.get("authorization") : opts.header;
  const creds = header ? credentialsFrom(new Headers({ authorization: header })) : null;
  if (!creds || creds.scheme !== "basic") throw challenge(opts.realm, "Not authenticated: send HTTP Basic credentials");
  const text = /^[A-Za-z0-9+/]+={0,2}$/.test(creds.value) ? Buffer.from(creds.value, "base64").toString("utf8") : "";
  const colon = text.indexOf(":");
  if (colon <= 0) throw challenge(opts.realm, "Malformed Basic credentials: send base64(username:password)");
  const email = emailForUsername(text.slice(0, colon).trim().toLowerCase(), opts.domain);
  const encoded = Buffer.from(`${email}:${text.slice(colon + 1)}`).toString("base64");
  try {
    return await callerFromBasic(req, encoded);
  } catch (err) {
    if (err instanceof AppError && err.code === "unauthorized") throw challenge(opts.realm, err.message);
    throw err;
  }
}
