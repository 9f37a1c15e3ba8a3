import "server-only";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { logger } from "../logging/logger";
import { invalidAllowEntries } from "../net/allow-list";
import { invalidProxyEntries } from "../net/trusted-proxies";
import { applyEnvAliases } from "./aliases";
import { isEnvFlagSet } from "./flags";

// Every environment variable Tollgate reads, validated once. `.env.example` mirrors this list.
const bool = z.enum(["true", "false", "1", "0", "yes", "no", "on", "off", "ok", ""]).optional().transform(isEnvFlagSet);
const int = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);
const optionalUrl = z.url().optional();
const emptyToUndefined = (env: Record<string, string | undefined>) =>
  Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));

export const SAMPLE_SECRET = "change-me-to-a-long-random-string";

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: int(3000, 1).refine((p) => p < 65536, "must be a port number"),
  DATA_DIR: z.string().default("./data"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must start with postgres:// or postgresql://")
    .optional(),
  PGLITE_DIR: z.string().optional(),
  DATABASE_POOL_MAX: int(20, 1),
  AUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  NEXTAUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  ENCRYPTION_KEY: z.string().min(32, "must be at least 32 characters").optional(),
  ADMIN_EMAIL: z.email().optional(),
  ADMIN_PASSWORD: z.string().min(8, "must be at least 8 characters").optional(),
  ADMIN_API_KEY: z.string().min(20, "must be at least 20 characters").optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, "must start with redis:// or rediss://")
    .optional(),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[\w:.-]{1,64}$/, "must be 1-64 characters of letters, digits, : . _ -")
    .default("tollgate:"),
  UPSTASH_REDIS_REST_URL: optionalUrl,
  UPSTASH_REDIS_REST_TOKEN: z.string().optional(),
  RATE_LIMIT_FAIL_OPEN: bool,
  /** Signs bearer access and refresh tokens — native and the seed systems' logins (Brousla's JWT_SECRET); default: AUTH_SECRET. */
  JWT_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  // Start-up defaults of the admin settings, written only while an admin has not set them.
  GLOBAL_DAILY_LIMIT: z.coerce.number().int().positive().optional(),
  DEFAULT_USER_RPM: z.coerce.number().int().positive().optional(),
  /** The model listed first, and the one a seed client gets when it names none (Brousla's OPENAI_MODEL). */
  DEFAULT_MODEL: z.string().trim().min(1).max(256).optional(),
  SMTP_HOST: z.string().optional(),
  SMTP_PORT: int(587, 1),
  SMTP_USER: z.string().optional(),
  SMTP_PASS: z.string().optional(),
  SMTP_FROM: z.string().default("Tollgate <tollgate@localhost>"),
  SMTP_SECURE: bool,
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_BASE_URL: optionalUrl,
  OPENAI_COMPATIBLE_BASE_URL: optionalUrl,
  OPENAI_COMPATIBLE_API_KEY: z.string().optional(),
  OLLAMA_BASE_URL: optionalUrl,
  AWS_ACCESS_KEY_ID: z.string().optional(),
  AWS_SECRET_ACCESS_KEY: z.string().optional(),
  AWS_SESSION_TOKEN: z.string().optional(),
  AWS_REGION: z.string().optional(),
  AWS_PROFILE: z.string().optional(),
  BEDROCK_REGIONS: z.string().optional(),
  BEDROCK_ENDPOINT_URL: optionalUrl,
  UPSTREAM_CONNECT_TIMEOUT_MS: int(10_000, 1),
  UPSTREAM_TTFT_TIMEOUT_MS: int(60_000, 1),
  UPSTREAM_IDLE_TIMEOUT_MS: int(60_000, 1),
  UPSTREAM_MAX_RETRIES: int(2, 0),
  // Requests at once on one HTTP/2 connection to an upstream whose TLS offers it; 0 (the default):
  // HTTP/1.1 only. Off by default: undici ends every stream of a connection its server retires with
  // GOAWAY (see lib/net/fetch.ts).
  UPSTREAM_HTTP2_STREAMS: int(0, 0),
  // Internal hosts/addresses outbound requests may reach (see lib/net/policy.ts).
  OUTBOUND_ALLOW: z
    .string()
    .optional()
    .superRefine((value, ctx) => {
      const bad = invalidAllowEntries(value ?? "");
      if (bad.length)
        ctx.addIssue({ code: "custom", message: `'${bad[0]}' is not a host name, IP address or CIDR range` });
    }),
  INTEGRATION_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  STRIPE_SECRET_KEY: z
    .string()
    .regex(/^(sk|rk)_/, "must be a Stripe secret key (sk_… or rk_…)")
    .optional(),
  STRIPE_WEBHOOK_SECRET: z
    .string()
    .regex(/^whsec_/, "must be a Stripe webhook signing secret (whsec_…)")
    .optional(),
  STRIPE_API_BASE: optionalUrl,
  STRIPE_CURRENCY: z
    .string()
    .regex(/^[a-z]{3}$/, "must be a lowercase ISO currency code like usd")
    .default("usd"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  LOG_PATH: z.string().optional(),
  LOG_MAX_SIZE_MB: int(10, 1),
  LOG_MAX_FILES: int(5, 1),
  DEBUG_MODE: bool,
  PGSQL_DEBUG_MODE: bool,
  SHUTDOWN_GRACE_MS: int(30_000, 0),
  METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  DISABLE_UI: bool,
  // Sign-in methods (docs/authentication.md).
  PASSWORD_LOGIN: z
    .enum(["true", "false", "1", "0", "yes", "no"])
    .optional()
    .transform((v) => v === undefined || isEnvFlagSet(v)),
  REQUIRE_EMAIL_VERIFICATION: bool,
  LOGIN_URL: z
    .string()
    .optional()
    .refine((v) => !v || /^(https?:\/\/|\/)/.test(v), "must be an http(s) URL or a path"),
  SSO_SHARED_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  SSO_PUBLIC_KEY: z.string().includes("BEGIN PUBLIC KEY", { message: "must be a PEM public key" }).optional(),
  SSO_JWKS_URL: optionalUrl,
  SSO_ISSUER: z.string().optional(),
  SSO_AUDIENCE: z.string().optional(),
  OIDC_ISSUER: optionalUrl,
  OIDC_CLIENT_ID: z.string().optional(),
  OIDC_CLIENT_SECRET: z.string().optional(),
  OIDC_NAME: z.string().max(60).default("Single sign-on"),
  OIDC_ALLOW_SIGNUP: bool,
  OIDC_GROUP_CLAIM: z.string().optional(),
  OIDC_ADMIN_GROUPS: z.string().optional(),
  // The address browsers use (https://chat.example.com): links in mails, Stripe's return URLs, the
  // app's own origin for the cross-site request check, and Strict-Transport-Security when https.
  // NEXTAUTH_URL counts for the last two when it is unset.
  APP_URL: optionalUrl,
  // Other origins whose pages may send cookie-authenticated changes (comma list of https://host[:port]).
  TRUSTED_ORIGINS: z
    .string()
    .optional()
    .superRefine((value, ctx) => {
      const bad = (value ?? "")
        .split(",")
        .map((o) => o.trim())
        .filter((o) => o && !isOrigin(o));
      if (bad.length)
        ctx.addIssue({ code: "custom", message: `'${bad[0]}' is not an origin (scheme://host[:port], no path)` });
    }),
  // Reverse proxies whose X-Forwarded-For is believed (CIDR list, or loopback / private).
  TRUSTED_PROXIES: z
    .string()
    .optional()
    .superRefine((value, ctx) => {
      const bad = invalidProxyEntries(value ?? "");
      if (bad.length)
        ctx.addIssue({
          code: "custom",
          message: `'${bad[0]}' is not an IP address, CIDR range, 'loopback' or 'private'`,
        });
    }),
});

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return /^https?:$/.test(url.protocol) && url.origin === value.replace(/\/$/, "");
  } catch {
    return false;
  }
}

/** Every variable Tollgate reads (a test checks that .env.example documents each one). */
export const envVarNames = Object.keys(envSchema.shape);

export type Config = z.infer<typeof envSchema> & {
  authSecret: string;
  dataDir: string;
  embedded: boolean;
  /** APP_URL's origin (or NEXTAUTH_URL's), when either is set. */
  appOrigin: string | undefined;
  trustedOrigins: string[];
  /** One line per seed-system variable standing in for a native one (logged once at start-up). */
  aliasNotes: string[];
};

export class ConfigError extends Error {}

/** Reads and validates the environment. Throws ConfigError with one line naming the variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const aliased = applyEnvAliases(emptyToUndefined(env));
  const parsed = envSchema.safeParse(aliased.env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`Invalid configuration: ${issue.path.join(".")} ${issue.message}`);
  }
  const cfg = parsed.data;
  const dataDir = path.resolve(cfg.DATA_DIR);
  const embedded = !cfg.DATABASE_URL;
  const given = cfg.AUTH_SECRET ?? cfg.NEXTAUTH_SECRET;
  if (given === SAMPLE_SECRET) {
    throw new ConfigError(
      "Invalid configuration: AUTH_SECRET is the sample value from .env.example; generate your own (openssl rand -base64 32)",
    );
  }
  let authSecret = given;
  if (!authSecret) {
    if (!embedded && cfg.NODE_ENV === "production") {
      throw new ConfigError(
        "Invalid configuration: AUTH_SECRET is required in production with PostgreSQL (openssl rand -base64 32)",
      );
    }
    authSecret = persistedSecret(dataDir);
  }
  if (cfg.OIDC_ISSUER && !(cfg.OIDC_CLIENT_ID && cfg.OIDC_CLIENT_SECRET)) {
    throw new ConfigError("Invalid configuration: OIDC_ISSUER needs OIDC_CLIENT_ID and OIDC_CLIENT_SECRET");
  }
  const appUrl = cfg.APP_URL ?? (env.NEXTAUTH_URL && URL.canParse(env.NEXTAUTH_URL) ? env.NEXTAUTH_URL : undefined);
  const appOrigin = appUrl ? new URL(appUrl).origin : undefined;
  const trustedOrigins = (cfg.TRUSTED_ORIGINS ?? "")
    .split(",")
    .map((o) => o.trim().replace(/\/$/, ""))
    .filter(Boolean);
  return { ...cfg, authSecret, dataDir, embedded, appOrigin, trustedOrigins, aliasNotes: aliased.notes };
}

// The embedded default keeps a generated secret beside its data, so sessions survive restarts.
function persistedSecret(dataDir: string): string {
  const file = path.join(dataDir, "auth-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dataDir, { recursive: true });
  try {
    writeFileSync(file, randomBytes(32).toString("base64url"), { mode: 0o600, flag: "wx" });
  } catch (err) {
    // Another process wrote it first: use theirs.
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  return readFileSync(file, "utf8").trim();
}

let cached: Config | undefined;

export function config(): Config {
  if (!cached) {
    cached = loadConfig();
    for (const note of cached.aliasNotes) logger.info(note);
  }
  return cached;
}

/** For tests that change the environment between cases. */
export function resetConfig(): void {
  cached = undefined;
}
