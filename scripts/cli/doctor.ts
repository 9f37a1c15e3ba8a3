// tollgate doctor: one line per check (OK/FAIL) and exit 1 when anything fails. Reads only.
import { type Config, loadConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { checkDatabase } from "@/lib/health";
import { verifySmtpOrThrow } from "@/lib/mail/send";
import { testProviderConnection } from "@/lib/providers/admin";
import { probeProvider } from "@/lib/providers/probe";
import { checkRedis } from "@/lib/readiness";
import { pendingMigrations } from "./guards";

let failures = 0;

async function report(name: string, run: () => Promise<string>): Promise<boolean> {
  try {
    console.log(`OK    ${name}: ${await run()}`);
    return true;
  } catch (err) {
    failures++;
    console.log(`FAIL  ${name}: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`);
    return false;
  }
}

function describeDatabase(cfg: Config): string {
  if (!cfg.DATABASE_URL) return `embedded database in ${cfg.PGLITE_DIR ?? `${cfg.dataDir}/pglite`}`;
  const url = new URL(cfg.DATABASE_URL);
  return `PostgreSQL at ${url.host}${url.pathname}`;
}

export async function doctor(): Promise<number> {
  failures = 0;
  let cfg: Config | undefined;
  await report("configuration", async () => {
    cfg = loadConfig();
    return `valid (${describeDatabase(cfg)})`;
  });
  if (!cfg) return 1;
  const dbOk = await report("database", async () => {
    if (!(await checkDatabase(5_000))) throw new Error(`cannot reach the ${describeDatabase(cfg!)}`);
    return "reachable";
  });
  const migrated =
    dbOk &&
    (await report("migrations", async () => {
      const pending = await pendingMigrations();
      if (pending.length)
        throw new Error(`${pending.length} not applied (run \`tollgate db migrate\`): ${pending.join(", ")}`);
      return "all applied";
    }));
  if (cfg.REDIS_URL || cfg.UPSTASH_REDIS_REST_URL) {
    await report("redis", async () => {
      if ((await checkRedis()) !== "ok") throw new Error("no answer to PING");
      return "answers PING";
    });
  }
  const smtp = cfg.SMTP_HOST ? `${cfg.SMTP_HOST}:${cfg.SMTP_PORT}` : null;
  if (smtp) {
    await report("smtp", async () => {
      await verifySmtpOrThrow();
      return `${smtp} accepts connections`;
    });
  }
  if (migrated) await checkProviders();
  return failures ? 1 : 0;
}

async function checkProviders(): Promise<void> {
  const db = await getDb();
  const providers = await db.provider.findMany({
    where: { enabled: true },
    select: { id: true, name: true, kind: true },
    orderBy: { name: "asc" },
  });
  if (providers.length === 0) {
    await report("providers", async () => {
      throw new Error(
        "no enabled provider: add one in the admin dashboard or the environment (OPENAI_API_KEY, OPENAI_COMPATIBLE_BASE_URL…; added when the server starts)",
      );
    });
  }
  for (const p of providers) {
    const label = `provider ${p.name} (${p.kind.toLowerCase()})`;
    // Bedrock: the foundation models of its first region (ListFoundationModels).
    await report(label, async () => {
      const test = await testProviderConnection(p.id);
      if (!test.ok) throw new Error(test.error ?? "unreachable");
      return `${test.models} model(s) listed in ${test.latencyMs} ms`;
    });
    // Bedrock and Ollama: one tiny request, straight to the provider (billed to no one), proves that
    // the endpoint, credentials, region and a model really answer.
    if (p.kind === "BEDROCK" || p.kind === "OLLAMA") {
      await report(`${label} answers`, async () => {
        const r = await probeProvider(p.id);
        const where = r.region ? ` in ${r.region}` : "";
        return `'${r.model}'${where} replied in ${r.latencyMs} ms (${r.outputTokens ?? "?"} output token(s), billed to no one)`;
      });
    }
  }
}
