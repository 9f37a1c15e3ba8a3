import "server-only";
import { config } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { invalidateSettings, type Settings, settingDefaults, settingSchemas } from "./index";

// GLOBAL_DAILY_LIMIT and DEFAULT_USER_RPM (SynapseChat's DAILY_LIMIT, Brousla's
// RATE_LIMIT_REQUESTS_PER_MINUTE) seed the admin settings at start-up. A setting an admin has
// saved is never overwritten: the row is only created while absent, atomically across instances.

async function createIfAbsent<K extends keyof Settings>(key: K, value: Settings[K]): Promise<boolean> {
  const db = await getDb();
  const json = settingSchemas[key].parse(value) as Prisma.InputJsonValue;
  const { count } = await db.setting.createMany({ data: [{ key, value: json }], skipDuplicates: true });
  return count > 0;
}

/** Returns the settings it wrote (none when unset in the environment or already set). */
export async function applyEnvSettingDefaults(): Promise<Array<keyof Settings>> {
  const cfg = config();
  const written: Array<keyof Settings> = [];
  if (cfg.GLOBAL_DAILY_LIMIT && (await createIfAbsent("globalDailyLimit", cfg.GLOBAL_DAILY_LIMIT)))
    written.push("globalDailyLimit");
  if (
    cfg.DEFAULT_USER_RPM &&
    (await createIfAbsent("defaultUserLimits", { ...settingDefaults.defaultUserLimits, rpm: cfg.DEFAULT_USER_RPM }))
  ) {
    written.push("defaultUserLimits");
  }
  if (written.length) invalidateSettings();
  return written;
}
