// tollgate <command> – operator tasks without the web UI. Started by scripts/cli.mjs (npx tollgate).
import { parseArgs } from "node:util";
import nextEnv from "@next/env";

const USAGE = `Usage: tollgate <command> [options]

  admin create --email <email> --password <password> [--name <name>]
  key create --email <email> --name <name> [--balance <amount>] [--models a,b] [--expires 2027-01-01]
  key revoke --id <id> | --prefix <tg-xxxxxxx>
  user recharge --email <email> --amount <amount> [--idempotency-key <key>]
  keys import <file.csv> [--dry-run]     columns: key,email[,name,balance,month_quota]
  users import <file.csv> [--dry-run]    columns: email[,name,group,balance,month_quota,daily_request_limit,rpm,tpm]
  init [--yes] [--force] [--out .env] --email <email> --password <password>
       [--database embedded|postgresql://…] [--provider openai|openai-compatible|ollama|none]
       [--provider-url <url>] [--provider-key <key>] [--redis none|redis://…]
       [--smtp-host <host>|none] [--smtp-port 587] [--smtp-user <u>] [--smtp-pass <p>] [--smtp-from <from>]
  db migrate
  doctor

Configuration comes from the environment and .env files, as for the server.`;

type Options = Record<string, { type: "string" | "boolean" }>;
type Values = Record<string, string | undefined>;
const str = { type: "string" } as const;
const flag = { type: "boolean" } as const;

/** Each command: the options it takes (and a file argument, for imports) and what it does. Commands are loaded lazily. */
const COMMANDS: Record<
  string,
  { options: Options; file?: true; run: (values: Values, file?: string) => Promise<number> }
> = {
  "admin create": {
    options: { email: str, password: str, name: str },
    run: async (o) => (await import("./cli/commands")).createAdmin(o),
  },
  "key create": {
    options: { email: str, name: str, balance: str, models: str, expires: str },
    run: async (o) => (await import("./cli/commands")).createKey(o),
  },
  "key revoke": { options: { id: str, prefix: str }, run: async (o) => (await import("./cli/commands")).revokeKey(o) },
  "user recharge": {
    options: { email: str, amount: str, "idempotency-key": str },
    run: async (o) => (await import("./cli/commands")).rechargeUser(o),
  },
  "keys import": {
    options: { "dry-run": flag },
    file: true,
    run: async (o, file) => (await import("./cli/imports")).importKeysFromCsv(o, file),
  },
  "users import": {
    options: { "dry-run": flag },
    file: true,
    run: async (o, file) => (await import("./cli/imports")).importUsersFromCsv(o, file),
  },
  init: {
    options: {
      yes: flag,
      force: flag,
      out: str,
      email: str,
      password: str,
      database: str,
      provider: str,
      "provider-url": str,
      "provider-key": str,
      redis: str,
      "smtp-host": str,
      "smtp-port": str,
      "smtp-user": str,
      "smtp-pass": str,
      "smtp-from": str,
    },
    run: async (o) => (await import("./cli/init")).init(o),
  },
  "db migrate": { options: {}, run: async () => (await import("./cli/commands")).migrate() },
  doctor: { options: {}, run: async () => (await import("./cli/doctor")).doctor() },
};

function commandOf(argv: string[]): { name: string; rest: string[] } | null {
  for (const words of [2, 1]) {
    const name = argv.slice(0, words).join(" ");
    if (COMMANDS[name]) return { name, rest: argv.slice(words) };
  }
  return null;
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h") || argv[0] === "help") {
    console.log(USAGE);
    return 0;
  }
  const found = commandOf(argv);
  if (!found) {
    console.error(argv.length ? `Unknown command: ${argv.join(" ")}\n\n${USAGE}` : USAGE);
    return 2;
  }
  const command = COMMANDS[found.name];
  let values: Values;
  let file: string | undefined;
  try {
    const parsed = parseArgs({
      args: found.rest,
      options: command.options,
      strict: true,
      allowPositionals: Boolean(command.file),
    });
    if (parsed.positionals.length > 1) throw new Error(`Unexpected argument '${parsed.positionals[1]}': give one file`);
    values = parsed.values as Values;
    file = parsed.positionals[0];
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
    return 2;
  }
  nextEnv.loadEnvConfig(process.cwd(), false, { info: () => {}, error: console.error });
  try {
    return await command.run(values, file);
  } catch (err) {
    console.error(`error: ${describe(err)}`);
    return 1;
  } finally {
    const { closeDb } = await import("@/lib/db/client");
    const { closeRedis } = await import("@/lib/redis/client");
    const { sendPublishedEvents } = await import("@/lib/events/bus");
    // A key revoked here must be refused by the running instances at once: they hear it through Redis.
    await sendPublishedEvents();
    await closeDb().catch(() => {});
    await closeRedis();
  }
}

function describe(err: unknown): string {
  if (err instanceof Error)
    return (
      err.message
        .split("\n")
        .find((l) => l.trim())
        ?.trim() ?? err.name
    );
  return String(err);
}

main(process.argv.slice(2)).then((code) => process.exit(code));
