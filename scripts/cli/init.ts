// tollgate init: the first-run wizard. Asks (or takes as flags; --yes never asks) for the first
// administrator, the database, a provider, Redis and SMTP, checks each answer against the real
// service (connect, list models, PING, SMTP greeting), and only then writes .env.

import { randomBytes } from "node:crypto";
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline/promises";
import { loadConfig } from "@/lib/config";
import { emailSchema, passwordSchema } from "@/lib/validations/auth";

type Values = Record<string, string | boolean | undefined>;
type Ask = (question: string, fallback?: string) => Promise<string>;

class InitError extends Error {}

const PROVIDERS = ["openai", "openai-compatible", "ollama", "none"] as const;
type ProviderKind = (typeof PROVIDERS)[number];

function text(values: Values, name: string): string | undefined {
  const v = values[name];
  return typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split("\n")[0];
}

// --- The checks: each returns a short description of what it proved, or throws InitError ---------

function checkEmail(value: string): string {
  const r = emailSchema.safeParse(value);
  if (!r.success) throw new InitError(`admin email: ${r.error.issues[0].message}`);
  return r.data;
}

function checkPassword(value: string): string {
  const r = passwordSchema.safeParse(value);
  if (!r.success) throw new InitError(`admin password: ${r.error.issues[0].message}`);
  return value;
}

async function checkDatabase(value: string): Promise<string | null> {
  if (value === "embedded") return null;
  if (!/^postgres(ql)?:\/\//.test(value))
    throw new InitError("database: give 'embedded' or a URL starting with postgresql://");
  const { Client } = await import("pg");
  const client = new Client({ connectionString: value, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
  } catch (err) {
    throw new InitError(`database: cannot connect to ${redact(value)}: ${firstLine(err)}`);
  } finally {
    await client.end().catch(() => {});
  }
  return value;
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "the given URL";
  }
}

async function listModels(kind: ProviderKind, baseUrl: string, key: string | undefined): Promise<number> {
  const url = kind === "ollama" ? `${baseUrl.replace(/\/+$/, "")}/api/tags` : `${baseUrl.replace(/\/+$/, "")}/models`;
  let res: Response;
  try {
    res = await fetch(url, {
      headers: key ? { authorization: `Bearer ${key}` } : {},
      signal: AbortSignal.timeout(10_000),
    });
  } catch (err) {
    throw new InitError(`provider: cannot reach ${url}: ${firstLine((err as { cause?: unknown }).cause ?? err)}`);
  }
  if (res.status === 401 || res.status === 403)
    throw new InitError(`provider: ${url} refused the key (HTTP ${res.status})`);
  if (!res.ok) throw new InitError(`provider: ${url} answered HTTP ${res.status}`);
  const body = (await res.json().catch(() => null)) as { data?: unknown[]; models?: unknown[] } | null;
  const models = kind === "ollama" ? body?.models : body?.data;
  if (!Array.isArray(models)) throw new InitError(`provider: ${url} did not answer with a model list`);
  return models.length;
}

async function checkRedis(value: string): Promise<string | null> {
  if (value === "none") return null;
  if (!/^rediss?:\/\//.test(value))
    throw new InitError("redis: give 'none' or a URL starting with redis:// or rediss://");
  const { Redis } = await import("ioredis");
  const redis = new Redis(value, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 5_000,
  });
  redis.on("error", () => {}); // the failed connect below reports it
  try {
    await redis.connect();
    if ((await redis.ping()) !== "PONG") throw new Error("no PONG");
  } catch (err) {
    throw new InitError(`redis: no answer from ${redact(value)}: ${firstLine(err)}`);
  } finally {
    redis.disconnect();
  }
  return value;
}

type Smtp = { host: string; port: number; user?: string; pass?: string; from?: string; secure: boolean };

async function checkSmtp(smtp: Smtp): Promise<void> {
  if (!Number.isInteger(smtp.port) || smtp.port < 1 || smtp.port > 65535)
    throw new InitError("smtp port: must be a port number");
  if (smtp.from && !/@/.test(smtp.from)) throw new InitError("smtp from: must contain an email address");
  const nodemailer = (await import("nodemailer")).default;
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    auth: smtp.user ? { user: smtp.user, pass: smtp.pass ?? "" } : undefined,
    connectionTimeout: 5_000,
    greetingTimeout: 5_000,
  });
  try {
    await transport.verify();
  } catch (err) {
    throw new InitError(`smtp: ${smtp.host}:${smtp.port} did not accept a connection: ${firstLine(err)}`);
  } finally {
    transport.close();
  }
}

// --- The wizard ----------------------------------------------------------------------------------

/** Asks until the check passes (interactive), or checks the flag once (--yes). */
async function answer<T>(
  ask: Ask | null,
  question: string,
  given: string | undefined,
  fallback: string | undefined,
  check: (v: string) => T | Promise<T>,
): Promise<T> {
  if (!ask) {
    const value = given ?? fallback;
    if (value === undefined) throw new InitError(`${question}: required (give it as a flag, or run without --yes)`);
    return check(value);
  }
  for (let attempt = 0; ; attempt++) {
    const value = given && attempt === 0 ? given : await ask(question, fallback);
    try {
      return await check(value);
    } catch (err) {
      if (!(err instanceof InitError) || attempt >= 4) throw err;
      console.log(`  ${err.message}`);
    }
  }
}

function envLine(name: string, value: string): string {
  return /^[\w@.:/+,=-]*$/.test(value)
    ? `${name}=${value}`
    : `${name}="${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

export async function init(values: Values): Promise<number> {
  const file = path.resolve(text(values, "out") ?? ".env");
  if (existsSync(file) && values.force !== true)
    throw new InitError(`${file} exists: run with --force to overwrite it`);
  const interactive = values.yes !== true;
  let rl: ReturnType<typeof createInterface> | null = null;
  let ask: Ask | null = null;
  if (interactive) {
    if (!process.stdin.isTTY)
      throw new InitError("stdin is not a terminal: give the answers as flags with --yes (tollgate init --help)");
    const prompt = createInterface({ input: process.stdin, output: process.stdout });
    rl = prompt;
    ask = async (q, fallback) =>
      (await prompt.question(`${q}${fallback ? ` [${fallback}]` : ""}: `)).trim() || fallback || "";
  }
  try {
    const env: Array<[string, string]> = [];
    const email = await answer(ask, "admin email", text(values, "email"), undefined, checkEmail);
    const password = await answer(
      ask,
      "admin password (8+ characters)",
      text(values, "password"),
      undefined,
      checkPassword,
    );
    env.push(
      ["ADMIN_EMAIL", email],
      ["ADMIN_PASSWORD", password],
      ["AUTH_SECRET", randomBytes(32).toString("base64url")],
    );
    console.log(`OK    admin: ${email}`);

    const database = await answer(
      ask,
      "database ('embedded' or postgresql://…)",
      text(values, "database"),
      "embedded",
      checkDatabase,
    );
    if (database) env.push(["DATABASE_URL", database]);
    console.log(`OK    database: ${database ? `connected to ${redact(database)}` : "embedded (PGlite in ./data)"}`);

    const kind = await answer(ask, `provider (${PROVIDERS.join(", ")})`, text(values, "provider"), "none", (v) => {
      if (!(PROVIDERS as readonly string[]).includes(v))
        throw new InitError(`provider: must be one of ${PROVIDERS.join(", ")}`);
      return v as ProviderKind;
    });
    if (kind !== "none") {
      const defaultUrl =
        kind === "openai" ? "https://api.openai.com/v1" : kind === "ollama" ? "http://127.0.0.1:11434" : undefined;
      const baseUrl = await answer(ask, `${kind} base URL`, text(values, "provider-url"), defaultUrl, (v) => {
        if (!/^https?:\/\/[^\s]+$/.test(v)) throw new InitError("provider URL: must be an http(s) URL");
        return v;
      });
      const key =
        kind === "ollama"
          ? undefined
          : await answer(
              ask,
              `${kind} API key`,
              text(values, "provider-key"),
              kind === "openai-compatible" ? "" : undefined,
              (v) => v || undefined,
            );
      const count = await listModels(kind, baseUrl, key);
      if (kind === "openai") env.push(["OPENAI_API_KEY", key ?? ""], ["OPENAI_BASE_URL", baseUrl]);
      if (kind === "openai-compatible")
        env.push(
          ["OPENAI_COMPATIBLE_BASE_URL", baseUrl],
          ...(key ? ([["OPENAI_COMPATIBLE_API_KEY", key]] as Array<[string, string]>) : []),
        );
      if (kind === "ollama") env.push(["OLLAMA_BASE_URL", baseUrl]);
      console.log(`OK    provider: ${kind} at ${baseUrl} lists ${count} model(s)`);
    }

    const redis = await answer(ask, "redis ('none' or redis://…)", text(values, "redis"), "none", checkRedis);
    if (redis) env.push(["REDIS_URL", redis]);
    console.log(
      `OK    redis: ${redis ? `${redact(redis)} answers PING` : "none (limits kept in memory: one instance)"}`,
    );

    const smtpHost = await answer(ask, "SMTP host ('none' to skip mail)", text(values, "smtp-host"), "none", (v) => v);
    if (smtpHost !== "none") {
      const port = Number(await answer(ask, "SMTP port", text(values, "smtp-port"), "587", (v) => v));
      const user = interactive
        ? (await ask!("SMTP user (empty: none)", text(values, "smtp-user"))) || undefined
        : text(values, "smtp-user");
      const pass = user
        ? interactive
          ? await ask!("SMTP password", text(values, "smtp-pass"))
          : text(values, "smtp-pass")
        : undefined;
      const from = interactive
        ? (await ask!("mail from (empty: Tollgate <tollgate@localhost>)", text(values, "smtp-from"))) || undefined
        : text(values, "smtp-from");
      const smtp = { host: smtpHost, port, user, pass, from, secure: port === 465 };
      await checkSmtp(smtp);
      env.push(["SMTP_HOST", smtpHost], ["SMTP_PORT", String(port)]);
      if (user) env.push(["SMTP_USER", user], ["SMTP_PASS", pass ?? ""]);
      if (from) env.push(["SMTP_FROM", from]);
      if (smtp.secure) env.push(["SMTP_SECURE", "true"]);
      console.log(`OK    smtp: ${smtpHost}:${port} accepts connections`);
    }

    // The file must also be a configuration the server accepts.
    const cfgEnv = Object.fromEntries(env);
    try {
      loadConfig({ ...cfgEnv, DATA_DIR: path.join(path.dirname(file), "data") });
    } catch (err) {
      throw new InitError(firstLine(err));
    }
    const body = [
      "# Written by `tollgate init`. Every value was checked before it was written.",
      ...env.map(([n, v]) => envLine(n, v)),
      "",
    ].join("\n");
    writeFileSync(file, body, { mode: 0o600 });
    console.log(`Wrote ${file}. Start Tollgate with \`npm start\` and sign in as ${email}.`);
    return 0;
  } catch (err) {
    if (err instanceof InitError) {
      console.error(`error: ${err.message}\nNothing was written.`);
      return 1;
    }
    throw err;
  } finally {
    rl?.close();
  }
}
