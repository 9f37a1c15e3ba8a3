import "server-only";
import type { Caller } from "@/lib/auth/caller";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { publicUserSelect } from "./accounts";

export async function getCurrentUserOrThrow(caller: Caller) {
  if (!caller.userId)
    return {
      id: null,
      email: caller.email,
      name: "ADMIN_API_KEY",
      role: caller.role,
      status: "ACTIVE",
      groupId: null,
      createdAt: null,
    };
  const db = await getDb();
  const user = await db.user.findUnique({ where: { id: caller.userId }, select: publicUserSelect });
  if (!user) throw new AppError("unauthorized", "Your account no longer exists");
  return user;
}
