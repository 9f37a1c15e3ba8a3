import "server-only";
import type { z } from "zod";
import type { AuditEntry } from "@/lib/audit";
import { config } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { deleteSessionOrThrow, getSessionDetailOrThrow } from "@/lib/history/queries";
import { tailLogs } from "@/lib/logging/tail";
import { serverStatus } from "@/lib/metrics/status";
import { getAdminConfig, updateAdminConfig } from "@/lib/settings/admin";
import { createUserAsAdmin, deleteUserAsAdmin, updateUserAsAdmin } from "@/lib/users/admin";
import { emailForUsername, usernameForEmail } from "../basic-username";
import { SYNAPSE_DOMAIN } from "./handler";
import type { synapseConfigSchema, synapseUserSchema } from "./schemas";

// SynapseChat's admin API over lib/users, lib/settings, lib/history, lib/metrics and lib/logging.

type Actor = AuditEntry["actor"];

const userRow = {
  id: true,
  email: true,
  name: true,
  role: true,
  status: true,
  createdAt: true,
  limit: { select: { dailyRequestLimit: true } },
} as const;

function present(u: {
  email: string;
  role: string;
  status: string;
  createdAt: Date;
  limit: { dailyRequestLimit: number | null } | null;
}) {
  return {
    username: usernameForEmail(u.email, SYNAPSE_DOMAIN),
    is_admin: u.role === "ADMIN",
    disabled: u.status === "DISABLED",
    daily_limit: u.limit?.dailyRequestLimit ?? null,
    created_at: u.createdAt.toISOString(),
  };
}

async function findUser(username: string) {
  const db = await getDb();
  return db.user.findUnique({
    where: { email: emailForUsername(username.toLowerCase(), SYNAPSE_DOMAIN) },
    select: userRow,
  });
}

async function userOrThrow(username: string) {
  const user = await findUser(username);
  if (!user) throw new AppError("not_found", "User not found");
  return user;
}

export async function listSynapseUsers() {
  const db = await getDb();
  const rows = await db.user.findMany({
    select: userRow,
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: 10_000,
  });
  return rows.map(present);
}

/** Creates the user, or updates the password, limit and role of an existing one. */
export async function upsertSynapseUser(input: { fields: z.infer<typeof synapseUserSchema>; actor: Actor }) {
  const f = input.fields;
  const existing = await findUser(f.username);
  const role = f.is_admin === undefined ? undefined : f.is_admin ? ("ADMIN" as const) : ("USER" as const);
  let id = existing?.id;
  if (!id) {
    if (!f.password)
      throw new AppError("validation_error", "password: is required for a new user", { param: "password" });
    const created = await createUserAsAdmin({
      fields: {
        email: emailForUsername(f.username.toLowerCase(), SYNAPSE_DOMAIN),
        password: f.password,
        name: f.username,
        role,
      },
      actor: input.actor,
    });
    id = created.user.id;
  }
  const change = {
    ...(existing && f.password ? { password: f.password } : {}),
    ...(existing && role ? { role } : {}),
    ...(f.daily_limit !== undefined ? { daily_request_limit: f.daily_limit || null } : {}),
  };
  if (Object.keys(change).length) await updateUserAsAdmin({ fields: { id, ...change }, actor: input.actor });
  return present(await userOrThrow(f.username));
}

export async function getSynapseUser(username: string) {
  const user = await userOrThrow(username);
  const db = await getDb();
  const [sessions, requests] = await Promise.all([
    db.chatSession.count({ where: { userId: user.id } }),
    db.request.count({ where: { userId: user.id } }),
  ]);
  return { ...present(user), sessions, requests };
}

/** SynapseChat deletes ordinary users only; an administrator is demoted first. */
export async function deleteSynapseUser(input: { username: string; actor: Actor }) {
  const user = await userOrThrow(input.username);
  if (user.role === "ADMIN")
    throw new AppError(
      "forbidden",
      "Administrators are not deleted here: make them an ordinary user first (POST /users with is_admin: false)",
    );
  await deleteUserAsAdmin({ id: user.id, actor: input.actor });
  return { detail: "User deleted", username: present(user).username };
}

export async function getSynapseConfig() {
  const c = await getAdminConfig();
  return { port: String(config().PORT), daily_limit: c.globalDailyLimit === null ? null : String(c.globalDailyLimit) };
}

/** The global daily limit changes at once; the port is PORT's, read at start (a change is refused, not ignored). */
export async function setSynapseConfig(input: { fields: z.infer<typeof synapseConfigSchema>; actor: Actor }) {
  const { port, daily_limit } = input.fields;
  if (port !== undefined && port !== config().PORT) {
    throw new AppError(
      "conflict",
      `port: Tollgate listens on PORT=${config().PORT}, set in its environment; change PORT there and restart it (the supervisor — systemd, Docker, Kubernetes — restarts it in place)`,
      { param: "port" },
    );
  }
  if (daily_limit !== undefined)
    await updateAdminConfig({
      change: { globalDailyLimit: daily_limit || null } as Parameters<typeof updateAdminConfig>[0]["change"],
      actor: input.actor,
    });
  return getSynapseConfig();
}

export async function listSynapseSessions() {
  const db = await getDb();
  const rows = await db.chatSession.findMany({
    orderBy: [{ updatedAt: "desc" }, { id: "desc" }],
    take: 1000,
    select: {
      id: true,
      externalId: true,
      title: true,
      createdAt: true,
      user: { select: { email: true } },
      _count: { select: { messages: true } },
    },
  });
  return rows.map((s) => ({
    id: s.id,
    session_id: s.externalId ?? s.id,
    username: usernameForEmail(s.user.email, SYNAPSE_DOMAIN),
    title: s.title,
    messages: s._count.messages,
    created_at: s.createdAt.toISOString(),
  }));
}

export async function getSynapseSession(id: string) {
  const detail = await getSessionDetailOrThrow({ id });
  return {
    id,
    title: detail.session.title,
    messages: detail.messages.map((m) => ({
      role: m.role,
      model: m.model,
      content: m.text,
      timestamp: m.createdAt.toISOString(),
    })),
  };
}

export async function deleteSynapseSession(input: { id: string; actor: Actor }) {
  await deleteSessionOrThrow(input);
  return { detail: "Session deleted", id: input.id };
}

export async function synapseStatus() {
  const s = await serverStatus();
  return {
    port: String(config().PORT),
    status: s.database === "ok" ? "running" : "degraded",
    sessions: s.sessions,
    uptime_seconds: s.uptimeSeconds,
    database: s.database,
    redis: s.redis,
  };
}

export async function synapseLogs(lines: number) {
  return { lines: (await tailLogs(lines)).lines };
}

/** Requests per user, all time. */
export async function synapseUsage() {
  const db = await getDb();
  const counts = await db.request.groupBy({ by: ["userId"], _count: { _all: true } });
  const users = await db.user.findMany({
    where: { id: { in: counts.map((c) => c.userId) } },
    select: { id: true, email: true },
  });
  const name = new Map(users.map((u) => [u.id, usernameForEmail(u.email, SYNAPSE_DOMAIN)]));
  return Object.fromEntries(counts.map((c) => [name.get(c.userId) ?? c.userId, c._count._all]));
}

export const RESTART_EXPLAINED =
  "Tollgate does not restart itself: the process supervisor that started it (systemd, Docker, Kubernetes, `npx tollgate start` under a service manager) restarts it gracefully — SIGTERM lets requests in flight finish within SHUTDOWN_GRACE_MS, then the supervisor starts it again. Settings changed through the admin API take effect without a restart.";
