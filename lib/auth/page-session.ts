import "server-only";
import { cookies } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { getDb } from "@/lib/db/client";
import { readSessionToken } from "./session";

/** For server components: the signed-in user, or a redirect to /login. */
export async function requirePageUser() {
  const jar = await cookies();
  const header = jar.getAll().map((c) => `${c.name}=${encodeURIComponent(c.value)}`).join("; ");
  const claims = await readSessionToken(header);
  if (!claims) redirect("/login");
  const db = await getDb();
  const user = await db.user.findUnique({ where: { id: claims.sub }, select: { id: true, email: true, name: true, role: true, status: true } });
  if (!user || user.status !== "ACTIVE") redirect("/login");
  return user;
}

/** For admin pages: the signed-in administrator; anyone else gets the not-found page. */
export async function requirePageAdmin() {
  const user = await requirePageUser();
  if (user.role !== "ADMIN") notFound();
  return user;
}
