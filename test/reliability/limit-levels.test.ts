// Item 17: a request must pass every level (group, user, key) of every limit. Each limit is set
// on one level only, tight enough to refuse; the refusal must name that limit and that level, the
// upstream must hear nothing, and loosening that one row must let the same caller through.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { invalidateKeyIndex } from "@/lib/auth/api-keys";
import { flushRecords } from "@/lib/billing/recorder";
import { getDb } from "@/lib/db/client";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { startApp } from "../helpers/app";
import { startInFreshMinute } from "../helpers/clock";
import { seedProviders, userWithKey } from "../helpers/gateway";
import { postCompletion } from "../helpers/money";

const up = await startFakeUpstream();

beforeAll(async () => {
  await startApp();
  await seedProviders(up, { input: "1", output: "1" });
});
afterAll(() => up.close());

type Level = "group" | "user" | "key";
type LimitFields = {
  balance?: bigint;
  monthlyQuota?: bigint;
  tokenAllowance?: bigint;
  dailyRequestLimit?: number;
  rpm?: number;
  tpm?: number;
};

/** A key whose user is in a group: one Limit row per level, none limiting anything yet. */
async function callerInGroup() {
  const db = await getDb();
  const member = await userWithKey();
  const group = await db.group.create({
    data: { name: `team-${member.keyId}`, limit: { create: { scope: "GROUP" } } },
  });
  await db.user.update({ where: { id: member.user.id }, data: { groupId: group.id } });
  invalidateKeyIndex();
  const owner = { group: { groupId: group.id }, user: { userId: member.user.id }, key: { apiKeyId: member.keyId } };
  const setLimit = async (level: Level, data: LimitFields) => {
    const scope = level.toUpperCase() as "GROUP" | "USER" | "KEY";
    await db.limit.upsert({ where: owner[level], create: { scope, ...owner[level], ...data }, update: data });
    invalidateKeyIndex(); // rpm/tpm travel with the key index
  };
  return { key: member.key, setLimit };
}

async function ask(key: string) {
  const res = await postCompletion(key, {
    model: "compat-fake",
    messages: [{ role: "user", content: "hello" }],
    max_tokens: 10,
  });
  const body = await res.json();
  await flushRecords();
  return { status: res.status, error: body.error as { limit?: string; level?: string } | undefined };
}

const moneyAndCounts: Array<{ limit: string; status: number; tight: LimitFields; loose: LimitFields }> = [
  { limit: "balance", status: 402, tight: { balance: 0n }, loose: { balance: 1_000_000n } },
  { limit: "monthly_quota", status: 429, tight: { monthlyQuota: 1n }, loose: { monthlyQuota: 1_000_000n } },
  { limit: "tokens", status: 429, tight: { tokenAllowance: 0n }, loose: { tokenAllowance: 1_000n } },
  { limit: "daily_requests", status: 429, tight: { dailyRequestLimit: 0 }, loose: { dailyRequestLimit: 100 } },
];
const rates: Array<{ limit: string; tight: LimitFields; loose: LimitFields }> = [
  { limit: "tpm", tight: { tpm: 1 }, loose: { tpm: 10_000 } },
];

describe("every level of every limit blocks on its own", () => {
  const cases = (["group", "user", "key"] as const).flatMap((level) => moneyAndCounts.map((c) => ({ level, ...c })));
  it.each(cases)(
    "$limit on the $level refuses with $status naming it; loosened, the same caller passes",
    async ({ level, limit, status, tight, loose }) => {
      const { key, setLimit } = await callerInGroup();
      await setLimit(level, tight);
      const before = up.requests.length;
      const refused = await ask(key);
      expect(refused.status).toBe(status);
      expect(refused.error).toMatchObject({ limit, level });
      expect(up.requests.length).toBe(before);
      await setLimit(level, loose);
      expect((await ask(key)).status).toBe(200);
    },
  );

  const rateCases = (["user", "key"] as const).flatMap((level) => rates.map((c) => ({ level, ...c })));
  it.each(rateCases)(
    "$limit on the $level refuses with 429 naming it; loosened, the same caller passes",
    async ({ level, limit, tight, loose }) => {
      const { key, setLimit } = await callerInGroup();
      await setLimit(level, tight);
      const refused = await ask(key);
      expect(refused.status).toBe(429);
      expect(refused.error).toMatchObject({ limit, level });
      await setLimit(level, loose);
      expect((await ask(key)).status).toBe(200);
    },
  );

  it.each(["user", "key"] as const)(
    "rpm on the %s lets one request a minute through, then refuses naming it",
    async (level) => {
      startInFreshMinute();
      const { key, setLimit } = await callerInGroup();
      await setLimit(level, { rpm: 1 });
      expect((await ask(key)).status).toBe(200);
      const refused = await ask(key);
      expect(refused.status).toBe(429);
      expect(refused.error).toMatchObject({ limit: "rpm", level });
    },
  );
});
