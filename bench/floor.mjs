// The floor for a gateway that bills (issue 26, item 5): the pass-through (bench/passthrough.mjs)
// plus the least any gateway must do per request to charge for it exactly and keep a record, and
// nothing else. It answers how near the pass-through's ceiling a gateway with PostgreSQL records can
// come on this machine at all, whatever its code.
//
// Per request: the key's SHA-256 looked up in memory; the request's JSON parsed for its model and
// max_tokens; the worst case reserved from the wallet in memory (BigInt micro-dollars); the answer
// relayed chunk by chunk while the usage is taken from it (a whole answer parsed; a stream's usage
// event, the only one parsed); the cost priced exactly and the reservation settled; one row per
// request written to PostgreSQL in batches (25 ms linger, at most 256 rows: one INSERT and one
// wallet UPDATE per batch, in one transaction). No rate limits, no Redis, no per-request logging,
// no request history beyond the row.
//
//   node bench/floor.mjs --upstream http://127.0.0.1:PORT --database-url URL --api-key KEY
//     → sends/prints { port }
import { createHash } from "node:crypto";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import pg from "pg";
import { startPassthrough } from "./passthrough.mjs";

const MICRO = 1_000_000n;
/** Per million tokens, in micro-dollars: $1 in, $2 out (what the bench prices Tollgate's model at is irrelevant here). */
const PRICE_IN = 1_000_000n;
const PRICE_OUT = 2_000_000n;
const LINGER_MS = 25;
const MAX_BATCH = 256;

const sha256 = (text) => createHash("sha256").update(text).digest("hex");
const dollars = (micros) => {
  const sign = micros < 0n ? "-" : "";
  const abs = micros < 0n ? -micros : micros;
  return `${sign}${abs / MICRO}.${String(abs % MICRO).padStart(6, "0")}`;
};
/** Micro-dollars for `tokens` at `perMillion` micro-dollars per million tokens, rounded up. */
const priced = (tokens, perMillion) => (BigInt(tokens) * perMillion + 999_999n) / 1_000_000n;

export async function startFloor({ upstream, databaseUrl, apiKey, port = 0 }) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  await pool.query(`CREATE TABLE IF NOT EXISTS floor_wallet (user_id text PRIMARY KEY, balance numeric(20,6) NOT NULL);
    CREATE TABLE IF NOT EXISTS floor_request (id bigserial PRIMARY KEY, user_id text NOT NULL, key_id text NOT NULL,
      model text NOT NULL, status int NOT NULL, prompt_tokens int NOT NULL, completion_tokens int NOT NULL,
      cost numeric(20,6) NOT NULL, latency_ms int NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
    INSERT INTO floor_wallet VALUES ('u1', 1000000000) ON CONFLICT DO NOTHING`);
  const keys = new Map([[sha256(apiKey), { keyId: "k1", userId: "u1" }]]);
  const available = new Map([["u1", 1_000_000_000n * MICRO]]);

  let batch = [];
  let timer = null;
  let writing = Promise.resolve();
  const flush = () => {
    clearTimeout(timer);
    timer = null;
    const rows = batch;
    if (rows.length === 0) return;
    batch = [];
    writing = writing.then(() => write(rows)).catch((err) => console.error(`floor: batch not written: ${err.message}`));
  };
  async function write(rows) {
    const values = [];
    const params = [];
    const spent = new Map();
    for (const r of rows) {
      const at = params.length;
      values.push(`($${at + 1},$${at + 2},$${at + 3},$${at + 4},$${at + 5},$${at + 6},$${at + 7},$${at + 8})`);
      params.push(r.userId, r.keyId, r.model, r.status, r.promptTokens, r.completionTokens, dollars(r.cost), r.latency);
      spent.set(r.userId, (spent.get(r.userId) ?? 0n) + r.cost);
    }
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      await client.query(
        `INSERT INTO floor_request (user_id, key_id, model, status, prompt_tokens, completion_tokens, cost, latency_ms) VALUES ${values.join(",")}`,
        params,
      );
      for (const [userId, cost] of spent)
        await client.query("UPDATE floor_wallet SET balance = balance - $2 WHERE user_id = $1", [
          userId,
          dollars(cost),
        ]);
      await client.query("COMMIT");
    } catch (err) {
      await client.query("ROLLBACK").catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }
  const record = (row) => {
    batch.push(row);
    if (batch.length >= MAX_BATCH) flush();
    else timer ??= setTimeout(flush, LINGER_MS);
  };

  const account = {
    open(req, body) {
      const auth = req.headers.authorization;
      const principal = auth?.startsWith("Bearer ") ? keys.get(sha256(auth.slice(7))) : undefined;
      if (!principal) return { refuse: 401, message: "Invalid API key" };
      let parsed;
      try {
        parsed = JSON.parse(body?.toString("utf8") ?? "");
      } catch {
        return { refuse: 400, message: "The body is not JSON" };
      }
      const promptChars = Array.isArray(parsed.messages)
        ? parsed.messages.reduce((n, m) => n + (typeof m?.content === "string" ? m.content.length : 0), 0)
        : 0;
      const hold = priced(Math.ceil(promptChars / 2) + 16, PRICE_IN) + priced(parsed.max_tokens ?? 4096, PRICE_OUT);
      const left = available.get(principal.userId);
      if (left < hold) return { refuse: 402, message: "Insufficient balance" };
      available.set(principal.userId, left - hold);
      const started = performance.now();
      const stream = parsed.stream === true;
      const chunks = [];
      let kept = 0;
      let ended = false;
      return {
        data(chunk) {
          // A whole answer is parsed at the end; of a stream only its last 4 KB, where the usage event is.
          chunks.push(chunk);
          kept += chunk.length;
          while (stream && chunks.length > 1 && kept - chunks[0].length >= 4096) kept -= chunks.shift().length;
        },
        end(status) {
          if (ended) return;
          ended = true;
          const usage = usageOf(Buffer.concat(chunks).toString("utf8"), stream);
          const cost =
            status === 200 && usage
              ? priced(usage.prompt_tokens ?? 0, PRICE_IN) + priced(usage.completion_tokens ?? 0, PRICE_OUT)
              : 0n;
          available.set(principal.userId, available.get(principal.userId) + hold - cost);
          record({
            ...principal,
            model: String(parsed.model ?? ""),
            status,
            promptTokens: usage?.prompt_tokens ?? 0,
            completionTokens: usage?.completion_tokens ?? 0,
            cost,
            latency: Math.round(performance.now() - started),
          });
        },
      };
    },
    async close() {
      flush();
      await writing;
      await pool.end();
    },
  };
  const started = await startPassthrough({ upstream, port, account });
  return { ...started, account };
}

/** The usage of a whole answer, or of a stream's last event that has one. */
function usageOf(text, stream) {
  try {
    if (!stream) return JSON.parse(text).usage ?? null;
    const at = text.lastIndexOf('"usage"');
    if (at === -1) return null;
    const from = text.lastIndexOf("data:", at) + 5;
    const to = text.indexOf("\n\n", at);
    return JSON.parse(text.slice(from, to === -1 ? undefined : to)).usage ?? null;
  } catch {
    return null;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const [upstream, databaseUrl, apiKey] = ["--upstream", "--database-url", "--api-key"].map(arg);
  if (!upstream || !databaseUrl || !apiKey) throw new Error("--upstream, --database-url and --api-key are required");
  const { url, account } = await startFloor({ upstream, databaseUrl, apiKey, port: Number(arg("--port") ?? 0) });
  const port = Number(new URL(url).port);
  if (process.send) process.send({ port });
  else console.log(`billing floor at ${url} → ${upstream}`);
  const stop = () => account.close().finally(() => process.exit(0));
  process.on("disconnect", stop);
  process.on("SIGTERM", stop);
}
