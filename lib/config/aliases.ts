// The variables of the systems Tollgate replaces (BRConnector, Brousla, Bothub, the ChatGPT app,
// SynapseChat), read when the native one is unset so their .env files work unchanged. Each entry
// builds the native value from the seed's variables; the native variable always wins.
type Env = Record<string, string | undefined>;

export type EnvAlias = { native: string; seeds: string[]; derive: (env: Env) => string | undefined };

const rename = (native: string, seed: string): EnvAlias => ({ native, seeds: [seed], derive: (env) => env[seed] });
const enc = encodeURIComponent;

export const envAliases: EnvAlias[] = [
  {
    native: "DATABASE_URL",
    seeds: ["PGSQL_HOST", "PGSQL_PORT", "PGSQL_DATABASE", "PGSQL_USER", "PGSQL_PASSWORD"],
    derive: (env) => {
      if (!env.PGSQL_HOST) return undefined;
      const user = env.PGSQL_USER
        ? `${enc(env.PGSQL_USER)}${env.PGSQL_PASSWORD ? `:${enc(env.PGSQL_PASSWORD)}` : ""}@`
        : "";
      const host =
        env.PGSQL_HOST.includes(":") && !env.PGSQL_HOST.startsWith("[") ? `[${env.PGSQL_HOST}]` : env.PGSQL_HOST;
      return `postgresql://${user}${host}:${env.PGSQL_PORT ?? "5432"}/${enc(env.PGSQL_DATABASE ?? "postgres")}`;
    },
  },
  rename("DATABASE_POOL_MAX", "PGSQL_MAX"),
  rename("AWS_REGION", "AWS_DEFAULT_REGION"),
  rename("SMTP_FROM", "SMPT_FROM"),
  {
    native: "REDIS_URL",
    seeds: ["REDIS_HOST", "REDIS_PORT", "REDIS_PASSWORD"],
    derive: (env) => {
      if (!env.REDIS_HOST) return undefined;
      const auth = env.REDIS_PASSWORD ? `:${enc(env.REDIS_PASSWORD)}@` : "";
      return `redis://${auth}${env.REDIS_HOST}:${env.REDIS_PORT ?? "6379"}`;
    },
  },
  rename("GLOBAL_DAILY_LIMIT", "DAILY_LIMIT"),
  rename("DEFAULT_USER_RPM", "RATE_LIMIT_REQUESTS_PER_MINUTE"),
  rename("OPENAI_COMPATIBLE_BASE_URL", "AI_BASE_URL"),
  rename("OPENAI_COMPATIBLE_API_KEY", "AI_API_KEY"),
  rename("DEFAULT_MODEL", "OPENAI_MODEL"),
  rename("SSO_SHARED_SECRET", "SHARED_SECRET"),
];

/**
 * The environment with every alias applied where the native variable is unset, and one line per
 * alias used, naming the native variable to set instead (values are never part of the line).
 */
export function applyEnvAliases(env: Env): { env: Env; notes: string[] } {
  const out = { ...env };
  const notes: string[] = [];
  for (const alias of envAliases) {
    if (out[alias.native]) continue;
    const value = alias.derive(env);
    if (!value) continue;
    out[alias.native] = value;
    const used = alias.seeds.filter((s) => env[s]).join(", ");
    notes.push(`${alias.native} is taken from ${used}; set ${alias.native} instead to silence this line`);
  }
  return { env: out, notes };
}
