import "server-only";
import { cookies, headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { config } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { callerFromSessionCookie } from "./methods/session-cookie";
import { PAGE_PATH_HEADER, pagePathOrRoot } from "./page-path";

/** Where a page that needs a session sends the browser: LOGIN_URL (the host application) or /login, with return_to. */
export function signInUrl(returnTo = "/"): string {
  const target = config().LOGIN_URL ?? "/login";
  const sep = target.includes("?") ? "&" : "?";
  return returnTo === "/" && !config().LOGIN_URL ? target : `${target}${sep}return_to=${encodeURIComponent(returnTo)}`;
}

/** The page being rendered (set by proxy.ts), to come back to after signing in. */
async function currentPagePath(): Promise<string> {
  return pagePathOrRoot((await headers()).get(PAGE_PATH_HEADER));
}

/**
 * For server components: the signed-in user (an active session), or a redirect to sign in that
 * comes back to `returnTo` — by default the page being rendered.
 */
export async function requirePageUser(returnTo?: string) {
  const jar = await cookies();
  const header = jar
    .getAll()
    .map((c) => `${c.name}=${encodeURIComponent(c.value)}`)
    .join("; ");
  const caller = await callerFromSessionCookie(header);
  if (!caller?.userId) redirect(signInUrl(returnTo ?? (await currentPagePath())));
  const db = await getDb();
  const user = await db.user.findUnique({
    where: { id: caller.userId },
    select: { id: true, email: true, name: true, role: true, status: true },
  });
  if (!user || user.status !== "ACTIVE") redirect(signInUrl(returnTo ?? (await currentPagePath())));
  return user;
}

/** For admin pages: the signed-in administrator; anyone else gets the not-found page. */
export async function requirePageAdmin() {
  const user = await requirePageUser();
  if (user.role !== "ADMIN") notFound();
  return user;
}
