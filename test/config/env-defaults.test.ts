import { afterEach, describe, expect, it } from "vitest";
import { resetConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { applyEnvSettingDefaults } from "@/lib/settings/env-defaults";
import { getAllSettings, setSetting, settingDefaults } from "@/lib/settings";
import { migrateDatabase } from "@/lib/startup";

// SynapseChat's DAILY_LIMIT and Brousla's RATE_LIMIT_REQUESTS_PER_MINUTE become the admin settings
// they stand for, at start-up, unless an admin has already set them.
await migrateDatabase();

function withEnv(vars: Record<string, string | undefined>) {
  Object.assign(process.env, vars);
  resetConfig();
}

afterEach(async () => {
  delete process.env.DAILY_LIMIT;
  delete process.env.RATE_LIMIT_REQUESTS_PER_MINUTE;
  resetConfig();
  const db = await getDb();
  await db.setting.deleteMany({ where: { key: { in: ["globalDailyLimit", "defaultUserLimits"] } } });
});

describe("applyEnvSettingDefaults", () => {
  it("writes the global daily limit and the default per-user rpm once", async () => {
    withEnv({ DAILY_LIMIT: "500", RATE_LIMIT_REQUESTS_PER_MINUTE: "60" });
    expect(await applyEnvSettingDefaults()).toEqual(["globalDailyLimit", "defaultUserLimits"]);
    const s = await getAllSettings();
    expect(s.globalDailyLimit).toBe(500);
    expect(s.defaultUserLimits).toEqual({ ...settingDefaults.defaultUserLimits, rpm: 60 });
    expect(await applyEnvSettingDefaults()).toEqual([]);
  });

  it("keeps what an admin set", async () => {
    await setSetting("globalDailyLimit", 7);
    await setSetting("defaultUserLimits", { ...settingDefaults.defaultUserLimits, rpm: null, tpm: 1000 });
    withEnv({ DAILY_LIMIT: "500", RATE_LIMIT_REQUESTS_PER_MINUTE: "60" });
    expect(await applyEnvSettingDefaults()).toEqual([]);
    const s = await getAllSettings();
    expect(s.globalDailyLimit).toBe(7);
    expect(s.defaultUserLimits.rpm).toBeNull();
    expect(s.defaultUserLimits.tpm).toBe(1000);
  });

  it("does nothing when the variables are unset", async () => {
    withEnv({});
    expect(await applyEnvSettingDefaults()).toEqual([]);
    expect((await getAllSettings()).globalDailyLimit).toBeNull();
  });
});
