// npm run test:compose – docker-compose.yml for real (issue 26, item 2): builds the image, runs three
// Tollgate instances on PostgreSQL and Redis behind the bundled nginx, and checks through nginx that
// they serve as one: each instance runs npm start's server, requests are spread over all three and
// each is billed once, and scaling down and up while requests run refuses none (nginx's own 502 for a
// request written on a connection just as a draining instance closed it is counted, at most 1 in
// 10,000) and changes the instances nginx balances over without a reload. Needs a Docker engine with `docker compose` (or the older
// `docker-compose`) and the images the compose file names; CI has no engine, so it runs by hand.
//   npm run test:compose [-- --no-build] [-- --keep]     (--keep leaves the stack up for a look)
// The upstream is the repo's fake, started here on the host; the instances reach it as
// host.docker.internal (an override file written for the run). The project is a fresh one, removed
// with its volumes at the end.
import { execFile, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { startFakeUpstream } from "../test/fake-upstream/server.mjs";
import { ADMIN_TOKEN, api, apiOk, assert, check, issueKey, log, MODEL, PRICES, results } from "./lib/multi-client.mjs";
import { freePort } from "./lib/server.mjs";
import { serverProcess } from "./server-process.mjs";

const ROOT = path.resolve(import.meta.dirname, "..");
// Asynchronous on purpose: the fake upstream answers from this process, so nothing here may block it.
const exec = async (file, argv, options = {}) =>
  (await promisify(execFile)(file, argv, { encoding: "utf8", maxBuffer: 16 << 20, ...options })).stdout;
const args = new Set(process.argv.slice(2));
const INSTANCES = 3;

/** `docker compose …` where the plugin is installed, else the standalone `docker-compose`. */
function composeCommand() {
  if (spawnSync("docker", ["compose", "version"], { stdio: "ignore" }).status === 0) return ["docker", "compose"];
  if (spawnSync("docker-compose", ["version"], { stdio: "ignore" }).status === 0) return ["docker-compose"];
  throw new Error("no `docker compose` or `docker-compose` on the PATH");
}

function composeProject() {
  const [cmd, ...pre] = composeCommand();
  const project = `tollgate-check-${randomBytes(3).toString("hex")}`;
  const dir = mkdtempSync(path.join(tmpdir(), "tollgate-compose-"));
  const override = path.join(dir, "override.yml");
  writeFileSync(override, 'services:\n  tollgate:\n    extra_hosts:\n      - "host.docker.internal:host-gateway"\n');
  const files = ["-f", path.join(ROOT, "docker-compose.yml"), "-f", override, "-p", project];
  return { cmd, pre, files, project, dir };
}

async function run() {
  const { cmd, pre, files, project, dir } = composeProject();
  const upstream = await startFakeUpstream({ port: 0, host: "0.0.0.0" });
  const upstreamPort = new URL(upstream.url).port;
  const httpPort = await freePort();
  const env = {
    ...process.env,
    AUTH_SECRET: randomBytes(32).toString("base64"),
    ADMIN_PASSWORD: `compose-${randomBytes(8).toString("hex")}`,
    ADMIN_API_KEY: ADMIN_TOKEN,
    OPENAI_COMPATIBLE_BASE_URL: `http://host.docker.internal:${upstreamPort}/v1`,
    HTTP_PORT: String(httpPort),
    TOLLGATE_INSTANCES: String(INSTANCES),
    PUBLIC_URL: `http://localhost:${httpPort}`,
  };
  const compose = (...a) => exec(cmd, [...pre, ...files, ...a], { cwd: ROOT, env });
  const sql = async (query) =>
    (
      await compose("exec", "-T", "postgres", "psql", "-U", "tollgate", "-d", "tollgate", "-At", "-F", "|", "-c", query)
    ).trim();
  const nginx = { name: "nginx", url: `http://127.0.0.1:${httpPort}` };
  const containers = async () => (await compose("ps", "-q", "tollgate")).trim().split("\n").filter(Boolean);
  /** Waits until the service has INSTANCES containers, each healthy by the image's HEALTHCHECK. */
  const allHealthy = async (failure) => {
    for (const started = Date.now(); ; await sleep(1000)) {
      const ids = await containers();
      const health = await Promise.all(
        ids.map(async (id) => (await exec("docker", ["inspect", "-f", "{{.State.Health.Status}}", id])).trim()),
      );
      if (ids.length === INSTANCES && health.every((h) => h === "healthy")) return;
      assert(Date.now() - started < 300_000, `${failure} after 300 s: ${health.join(", ") || "no container"}`);
    }
  };

  try {
    if (!args.has("--no-build")) {
      log("building the image (docker compose build)");
      await compose("build", "tollgate");
    }
    log(`starting ${project}: ${INSTANCES} instances, PostgreSQL, Redis and nginx on :${httpPort}`);
    const started = Date.now();
    await compose("up", "-d", "--scale", `tollgate=${INSTANCES}`);

    await check(`${INSTANCES} instances become healthy and nginx answers ready`, async () => {
      await allHealthy("not ready");
      for (;;) {
        const ready = await api(nginx, "GET", "/api/ready").catch(() => ({ status: 0 }));
        if (ready.status === 200) return `after ${((Date.now() - started) / 1000).toFixed(0)} s`;
        assert(Date.now() - started < 300_000, `nginx's /api/ready answered ${ready.status} after 300 s`);
        await sleep(1000);
      }
    });
    if (results.includes(false)) return;

    await check(
      "each instance runs npm start's server: PID 1 is node with its flags on scripts/serve.mjs",
      async () => {
        const commands = await Promise.all(
          (await containers()).map(async (id) =>
            (await exec("docker", ["exec", id, "cat", "/proc/1/cmdline"])).split("\0").join(" "),
          ),
        );
        // What npm start runs with a database (compose sets DATABASE_URL), from the one place it is written.
        const expected = ["node", ...serverProcess({ DATABASE_URL: "postgresql://" }).args, "scripts/serve.mjs"].join(
          " ",
        );
        for (const c of commands) assert(c.trim() === expected, `PID 1 runs "${c.trim()}", not "${expected}"`);
        return expected;
      },
    );

    const list = await apiOk(nginx, "GET", `/api/admin/model/list?q=${MODEL}`);
    const model = list.items.find((m) => m.publicId === MODEL);
    assert(model, `model ${MODEL} was not discovered from the fake upstream`);
    await apiOk(nginx, "POST", "/api/admin/model/update", {
      body: { id: model.id, inputPrice: String(PRICES.input), outputPrice: String(PRICES.output) },
    });
    const { key, id: keyId, userId } = await issueKey(nginx, { balance: "10" });
    /** The balances of the key's and its user's wallets, summed (µ). */
    const balance = async () =>
      BigInt(
        await sql(
          `SELECT coalesce(sum("balance"), 0) FROM "Limit" WHERE "userId" = '${userId}' OR "apiKeyId" = '${keyId}'`,
        ),
      );

    /** One request through nginx: JSON or a stream read to its end. */
    const one = async (stream) => {
      const res = await fetch(`${nginx.url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ model: MODEL, max_tokens: 10, stream, messages: [{ role: "user", content: "hi" }] }),
      });
      const text = await res.text();
      return { status: res.status, ok: res.status === 200 && (!stream || text.includes("data: [DONE]")), text };
    };
    const load = async (n, concurrency) => {
      const out = [];
      let next = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < n) out.push(await one(next++ % 3 === 0));
        }),
      );
      return out;
    };
    const perInstance = async (since) =>
      (
        await sql(
          `SELECT "instanceId", count(*) FROM "Request" WHERE "apiKeyId" = '${keyId}' AND "createdAt" >= '${since}' GROUP BY 1 ORDER BY 1`,
        )
      )
        .split("\n")
        .filter(Boolean)
        .map((line) => line.split("|"));
    const dbNow = () => sql("SELECT now()::timestamp(3)");

    await check(`requests through nginx are spread over all ${INSTANCES} instances, each billed once`, async () => {
      const since = await dbNow();
      const before = await balance();
      const answers = await load(90, 6);
      const bad = answers.filter((a) => !a.ok);
      assert(bad.length === 0, `${bad.length} of 90 failed: ${bad[0]?.status} ${bad[0]?.text.slice(0, 200)}`);
      await sleep(1500); // the records' batch
      const rows = await perInstance(since);
      assert(rows.length === INSTANCES, `served by ${rows.length} instances: ${JSON.stringify(rows)}`);
      const total = rows.reduce((n, [, c]) => n + Number(c), 0);
      assert(total === 90, `${total} records for 90 requests`);
      const after = await balance();
      const [charged, pending] = (
        await sql(
          `SELECT coalesce(sum("cost"), 0), count(*) FILTER (WHERE "status" = 'PENDING') FROM "Request" WHERE "apiKeyId" = '${keyId}'`,
        )
      ).split("|");
      const spent = String(before - after);
      assert(spent === charged && BigInt(spent) > 0n, `balance spent ${spent} µ, records charged ${charged} µ`);
      assert(pending === "0", `${pending} records still pending`);
      return `${rows.map(([, c]) => c).join(" / ")} requests per instance; ${spent} µ spent = charged`;
    });

    await check("scaling down to 2 and back to 3 while requests run: no request refused", async () => {
      let running = true;
      const during = [];
      const workers = Array.from({ length: 4 }, async () => {
        while (running) during.push(await one(during.length % 2 === 0));
      });
      await sleep(1000);
      await compose("up", "-d", "--no-recreate", "--scale", `tollgate=${INSTANCES - 1}`);
      await sleep(8000); // nginx asks Docker's DNS again every 5 s
      const sinceDown = await dbNow();
      await sleep(3000);
      const whileTwo = await perInstance(sinceDown);
      await compose("up", "-d", "--no-recreate", "--scale", `tollgate=${INSTANCES}`);
      await allHealthy("the third instance is not healthy");
      await sleep(7000);
      const sinceUp = await dbNow();
      await sleep(4000);
      running = false;
      await Promise.all(workers);
      await sleep(1500);
      const whileThree = await perInstance(sinceUp);
      // A request nginx wrote on a kept-alive connection just as an instance closed it gets nginx's own
      // 502 (it does not resend a POST): the race every HTTP/1.1 server has when it closes an idle
      // connection (a draining instance leaves them to nginx since 47dd452: none in six runs).
      // Counted, and bounded; any answer of Tollgate's that is not a success fails.
      const failed = during.filter((a) => !a.ok);
      const raced = failed.filter((a) => a.status === 502 && a.text.includes("<center>nginx"));
      const refused = failed.filter((a) => !raced.includes(a));
      assert(
        refused.length === 0,
        `${refused.length} of ${during.length} failed: ${refused[0]?.status} ${refused[0]?.text.slice(0, 200)}`,
      );
      assert(raced.length <= Math.ceil(during.length / 10_000), `${raced.length} of ${during.length} raced a close`);
      assert(whileTwo.length === INSTANCES - 1, `with 2 instances, served by ${whileTwo.length}`);
      assert(whileThree.length === INSTANCES, `scaled back to 3, served by ${whileThree.length}`);
      return `${during.length} requests, none refused, ${raced.length} lost to a connection closed under it; served by ${whileTwo.length}, then ${whileThree.length} instances`;
    });
  } finally {
    if (args.has("--keep")) log(`left running: ${cmd} ${[...pre, ...files].join(" ")} down -v`);
    else {
      try {
        await compose("down", "-v", "--remove-orphans");
      } catch (err) {
        log(`down failed: ${err instanceof Error ? err.message : err}`);
      }
    }
    await upstream.close();
    // Left running, the stack still needs the override file its `down` command names.
    if (!args.has("--keep")) rmSync(dir, { recursive: true, force: true });
  }
}

await run().catch((err) => {
  results.push(false);
  console.error(err instanceof Error ? (err.stderr ?? err.message) : err);
});
const failed = results.filter((ok) => !ok).length;
log(failed ? `${failed} check(s) failed` : `all ${results.length} checks passed`);
process.exit(failed ? 1 : 0);
