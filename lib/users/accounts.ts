import "server-only";
import { randomBytes } from "node:crypto";
import { revokeUserSessions } from "@/lib/auth/auth-sessions";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { config } from "@/lib/config";
import { type Db, getDb } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import { AppError } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import { getSetting } from "@/lib/settings";

export const publicUserSelect = {
  id: true,
  email: true,
  name: true,
  role: true,
  status: true,
  groupId: true,
  emailVerifiedAt: true,
  createdAt: true,
} as const;

export type PublicUser = Prisma.UserGetPayload<{ select: typeof publicUserSelect }>;

/** A new user's Limit row, filled from the "default limits for new users" setting. */
export async function defaultUserLimitData(): Promise<Omit<Prisma.LimitUncheckedCreateInput, "userId">> {
  const d = await getSetting("defaultUserLimits");
  const big = (v: string | null) => (v === null ? null : BigInt(v));
  return {
    scope: "USER",
    balance: big(d.balance),
    monthlyQuota: big(d.monthlyQuota),
    tokenAllowance: big(d.tokenAllowance),
    grantAmount: big(d.grantAmount),
    grantPeriodSeconds: d.grantPeriodSeconds,
    lastGrantAt: d.grantAmount ? new Date() : null,
    dailyRequestLimit: d.dailyRequestLimit,
    rpm: d.rpm,
    tpm: d.tpm,
  };
}

/** Self-registration. `unverified`: the address must be confirmed by mail before the account can chat. */
export async function registerUser(input: {
  email: string;
  password: string;
  name: string;
  unverified?: boolean;
}): Promise<PublicUser> {
  if (!(await getSetting("registrationOpen")))
    throw new AppError("forbidden", "Registration is closed; ask an administrator for an account");
  await ensureBootstrapAdmin();
  return createUser({ ...input, role: "USER" });
}

export async function createUser(input: {
  email: string;
  password?: string;
  name?: string;
  role?: "USER" | "ADMIN";
  groupId?: string | null;
  externalId?: string | null;
  unverified?: boolean;
  db?: Db | Prisma.TransactionClient;
}): Promise<PublicUser> {
  const db = input.db ?? (await getDb());
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  const limit = await defaultUserLimitData();
  try {
    return await db.user.create({
      data: {
        email: input.email,
        name: input.name ?? "",
        passwordHash,
        role: input.role ?? "USER",
        groupId: input.groupId ?? null,
        externalId: input.externalId ?? null,
        ...(input.unverified ? { emailVerifiedAt: null } : {}),
        limit: { create: limit },
      },
      select: publicUserSelect,
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw new AppError("conflict", "An account with this email already exists", { param: "email" });
    throw err;
  }
}

/** The user for these credentials, or null. Disabled accounts cannot sign in. */
export async function verifyCredentials(email: string, password: string): Promise<PublicUser | null> {
  const db = await getDb();
  const user = await db.user.findUnique({ where: { email }, select: { ...publicUserSelect, passwordHash: true } });
  const ok = await verifyPassword(password, user?.passwordHash);
  if (!user || !ok || user.status !== "ACTIVE") return null;
  const { passwordHash: _omit, ...rest } = user;
  void _omit;
  return rest;
}

/** Changes a password and ends every other session and token of the user (`keepSessionId`: the one asking). */
export async function changePassword(
  userId: string,
  currentPassword: string,
  newPassword: string,
  keepSessionId?: string,
): Promise<void> {
  const db = await getDb();
  const user = await db.user.findUnique({ where: { id: userId }, select: { passwordHash: true } });
  if (!user || !(await verifyPassword(currentPassword, user.passwordHash))) {
    throw new AppError("bad_request", "The current password is wrong", { param: "currentPassword" });
  }
  await db.user.update({ where: { id: userId }, data: { passwordHash: await hashPassword(newPassword) } });
  await revokeUserSessions(userId, { except: keepSessionId });
}

/**
 * Makes sure there is one administrator. The first caller to claim the "bootstrapAdmin" setting row
 * creates it; concurrent callers wait on that row's insert and then do nothing, so racing sign-ups
 * never create two. Returns the generated password when one was made up (printed once).
 */
export async function ensureBootstrapAdmin(): Promise<{ email: string; generatedPassword?: string } | null> {
  const db = await getDb();
  if (await db.setting.findUnique({ where: { key: "bootstrapAdmin" } })) return null;
  const cfg = config();
  const email = cfg.ADMIN_EMAIL?.toLowerCase() ?? "admin@tollgate.local";
  const generatedPassword = cfg.ADMIN_PASSWORD ? undefined : randomBytes(12).toString("base64url");
  const passwordHash = await hashPassword(cfg.ADMIN_PASSWORD ?? generatedPassword!);
  const limit = await defaultUserLimitData();
  const created = await db.$transaction(async (tx) => {
    const claimed =
      await tx.$executeRaw`INSERT INTO "Setting" ("key", "value", "updatedAt") VALUES ('bootstrapAdmin', ${JSON.stringify({ email })}::jsonb, now()) ON CONFLICT ("key") DO NOTHING`;
    if (claimed === 0) return false;
    if (await tx.user.findFirst({ where: { role: "ADMIN" }, select: { id: true } })) return false;
    await tx.user.upsert({
      where: { email },
      create: {
        email,
        name: "Administrator",
        role: "ADMIN",
        passwordHash,
        limit: {
          create: {
            ...limit,
            balance: null,
            monthlyQuota: null,
            tokenAllowance: null,
            dailyRequestLimit: null,
            rpm: null,
            tpm: null,
          },
        },
      },
      update: { role: "ADMIN", passwordHash },
    });
    return true;
  });
  if (!created) return null;
  if (generatedPassword) {
    console.log(
      `\n  Tollgate created the first administrator:\n    email:    ${email}\n    password: ${generatedPassword}\n  (shown once — sign in and change it in Settings)\n`,
    );
  }
  return { email, generatedPassword };
}
