import { afterEach, describe, expect, it } from "vitest";
import { resetConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { createModel, createProvider } from "@/lib/providers/admin";
import { listEnabledModels } from "@/lib/providers/catalog";
import { getAllSettings, setSetting, settingDefaults } from "@/lib/settings";
import { applyEnvSettingDefaults } from "@/lib/settings/env-defaults";
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

describe("DEFAULT_MODEL (Brousla's OPENAI_MODEL)", () => {
  it("puts that model first in the list the chat and the clients read", async () => {
    const p = await createProvider({ name: "order-test", kind: "OPENAI_COMPATIBLE", baseUrl: "http://127.0.0.1:9/v1" });
    for (const publicId of ["alpha", "gpt-5-mini", "zeta"])
      await createModel({ publicId, providerId: p.id, upstreamId: publicId });
    expect((await listEnabledModels()).map((m) => m.publicId)).toEqual(["alpha", "gpt-5-mini", "zeta"]);
    withEnv({ OPENAI_MODEL: "gpt-5-mini" });
    try {
      expect((await listEnabledModels()).map((m) => m.publicId)).toEqual(["gpt-5-mini", "alpha", "zeta"]);
    } finally {
      delete process.env.OPENAI_MODEL;
      resetConfig();
    }
  });
});
