// The propagation checks of npm run test:multi (issue 26, "instances that agree"): each change is
// made on A through the admin API and must be in force on B within a second, which holds only if it
// travels through Redis (B's caches keep a model list for a minute, settings for 30 s, keys until a
// change is announced). B is polled every 50 ms; the time to the first answer that shows the change
// is reported. Then Redis is restarted: B must pick up what changed while it was away, and hear the
// changes made after.
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import {
  ADMIN_TOKEN,
  api,
  apiOk,
  assert,
  chat,
  check,
  issueKey,
  MODEL,
  microsOf,
  PRICES,
} from "./lib/multi-client.mjs";

const WITHIN_MS = 1_000;
const POLL_MS = 50;
/** After Redis comes back: B reconnects with a back-off of up to 2 s (lib/redis/client.ts), then reloads. */
const RECONNECT_MS = 10_000;
const times = [];

/** Polls `seen()` until it returns true; the milliseconds that took, or an error after `withinMs`. */
async function within(what, seen, withinMs = WITHIN_MS) {
  const started = performance.now();
  for (;;) {
    const last = await seen();
    const took = Math.round(performance.now() - started);
    if (last === true) return took;
    if (took > withinMs) throw new Error(`${what} not seen on B within ${withinMs} ms (last: ${last})`);
    await sleep(POLL_MS);
  }
}

/** A check that B sees a change made on A within a second; returns its detail. */
function propagates(name, fn) {
  return check(`${name}: on B within ${WITHIN_MS} ms`, async () => {
    const { ms, detail } = await fn();
    times.push(ms);
    return `${ms} ms${detail ? `; ${detail}` : ""}`;
  });
}

const listsModel = async (server, key, model) => {
  const res = await api(server, "GET", "/v1/models", { bearer: key });
  return res.status === 200 && res.json.data.some((m) => m.id === model) ? true : `GET /v1/models ${res.status}`;
};
const answers = (server, key, status, model) => async () => {
  const res = await chat(server, key, model);
  return res.status === status || `${res.status} ${res.json?.error?.message ?? ""}`.trim();
};

let seq = 0;
const unique = (prefix) => `${prefix}-${Date.now().toString(36)}-${++seq}`;

async function createModel(server, providerId, publicId, prices = PRICES) {
  return apiOk(server, "POST", "/api/admin/model/create", {
    body: {
      publicId,
      providerId,
      upstreamId: MODEL,
      inputPrice: String(prices.input),
      outputPrice: String(prices.output),
    },
  });
}

/** A key B has already used (so B's caches hold it and the model list). */
async function keyKnownToB(a, b, fields = { balance: "100" }) {
  const issued = await issueKey(a, fields);
  await within("the new key", answers(b, issued.key, 200));
  return issued;
}

/** `restartRedis(during)` stops Redis, runs `during`, starts it again and resolves once it answers. */
export async function runSyncChecks(a, b, { restartRedis, upstreamUrl }) {
  const base = (await apiOk(a, "GET", `/api/admin/model/list?q=${MODEL}`)).items.find((m) => m.publicId === MODEL);
  assert(base, `model ${MODEL} is not in the catalog`);
  const providerId = base.providerId;
  let priced;

  await propagates("a model created on A is listed and usable", async () => {
    const { key } = await keyKnownToB(a, b);
    priced = unique("multi-new");
    assert((await listsModel(b, key, priced)) !== true, "listed before it was created");
    await createModel(a, providerId, priced);
    const ms = await within("the new model", () => listsModel(b, key, priced));
    const used = await chat(b, key, priced);
    assert(used.status === 200, `a call to it on B answered ${used.status}`);
    return { ms, detail: `a call to ${priced} on B: 200` };
  });

  await propagates("a price changed on A is the cost of B's next request", async () => {
    const { key } = await keyKnownToB(a, b);
    const before = await chat(b, key, priced);
    assert(before.status === 200, `before: ${before.status}`);
    const old = microsOf(String(before.json.usage.cost));
    const model = (await apiOk(a, "GET", `/api/admin/model/list?q=${priced}`)).items.find((m) => m.publicId === priced);
    await apiOk(a, "POST", "/api/admin/model/update", {
      body: { id: model.id, inputPrice: String(PRICES.input * 100), outputPrice: String(PRICES.output * 100) },
    });
    let cost;
    const ms = await within("the new price", async () => {
      const res = await chat(b, key, priced);
      cost = res.json?.usage?.cost;
      return (res.status === 200 && microsOf(String(cost)) >= old * 50) || `cost ${cost}`;
    });
    return { ms, detail: `cost ${before.json.usage.cost} → ${cost} (prices × 100)` };
  });

  await propagates("a setting changed on A (a global daily limit of 1 request)", async () => {
    const { key } = await keyKnownToB(a, b);
    await apiOk(a, "POST", "/api/admin/config", { body: { globalDailyLimit: 1 } });
    try {
      const ms = await within("the daily limit", answers(b, key, 429));
      return { ms, detail: "B answers 429" };
    } finally {
      await apiOk(a, "POST", "/api/admin/config", { body: { globalDailyLimit: null } });
      await within("the daily limit lifted", answers(b, key, 200));
    }
  });

  await propagates("a key revoked on A is refused", async () => {
    const { key, id } = await keyKnownToB(a, b);
    await apiOk(a, "POST", "/api/admin/api-key/revoke", { body: { id } });
    return { ms: await within("the revocation", answers(b, key, 401)), detail: "401" };
  });

  await propagates("a user disabled on A is refused", async () => {
    const { key, userId } = await keyKnownToB(a, b);
    await apiOk(a, "POST", "/api/admin/user/update", { body: { id: userId, status: "DISABLED" } });
    return { ms: await within("the disabled user", answers(b, key, 401)), detail: "401" };
  });

  await propagates("a user deleted on A is refused", async () => {
    const { key, userId } = await keyKnownToB(a, b);
    await apiOk(a, "POST", "/api/admin/user/delete", { body: { id: userId } });
    return { ms: await within("the deleted user", answers(b, key, 401)), detail: "401" };
  });

  await propagates("a group's wallet emptied on A stops its member", async () => {
    const { group } = await apiOk(a, "POST", "/api/admin/group/create", {
      body: { name: unique("multi-group"), balance: "100" },
    });
    const { key, userId } = await keyKnownToB(a, b);
    await apiOk(a, "POST", "/api/admin/user/update", { body: { id: userId, group_id: group.id } });
    // Back to back until B holds a budget lease on the group's wallet too. A priced model: a free
    // call needs no money, so an empty wallet would not stop it.
    for (let i = 0; i < 5; i++) assert((await chat(b, key, priced)).status === 200, "a member's call on B");
    await apiOk(a, "POST", "/api/admin/group/update", { body: { id: group.id, balance: "0" } });
    return { ms: await within("the group's empty wallet", answers(b, key, 402, priced)), detail: "402" };
  });

  await propagates("a rate limit set on A (rpm 1 on the key)", async () => {
    const { key, id } = await keyKnownToB(a, b);
    await apiOk(a, "POST", "/api/admin/api-key/update", { body: { id, rpm: 1 } });
    return { ms: await within("rpm 1", answers(b, key, 429)), detail: "429" };
  });

  await propagates("a model installed through Ollama on A is listed and usable", async () => {
    const { key } = await keyKnownToB(a, b);
    // The fake upstream speaks Ollama's API at its root.
    await apiOk(a, "POST", "/api/admin/provider/create", {
      body: { name: unique("multi-ollama"), kind: "OLLAMA", baseUrl: upstreamUrl },
    });
    const name = "qwen2.5:0.5b";
    const res = await fetch(`${a.url}/api/admin/ollama/models/${encodeURIComponent(name)}/install`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    const lines = (await res.text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    assert(
      res.status === 200 && lines.at(-1)?.status === "success",
      `install: ${res.status} ${JSON.stringify(lines.at(-1))}`,
    );
    const ms = await within("the installed model", () => listsModel(b, key, name));
    const used = await chat(b, key, name);
    assert(used.status === 200, `a call to it on B answered ${used.status}: ${used.text.slice(0, 200)}`);
    return { ms, detail: `a call to ${name} on B: 200` };
  });

  await check(
    "across a Redis restart: B reloads what changed while Redis was away, and hears what changes after",
    async () => {
      const early = await keyKnownToB(a, b);
      const watcher = await keyKnownToB(a, b);
      const later = await keyKnownToB(a, b);
      const whileAway = unique("multi-away");
      const afterwards = unique("multi-after");
      await restartRedis(async () => {
        // A's own events are held until Redis is back; B must not rely on them alone (it reloads).
        await apiOk(a, "POST", "/api/admin/api-key/revoke", { body: { id: early.id } });
        await createModel(a, providerId, whileAway);
      });
      const back = performance.now();
      const reloaded = await within(
        "the changes made while Redis was away",
        async () =>
          ((await answers(b, early.key, 401)()) === true && (await listsModel(b, watcher.key, whileAway))) || "not yet",
        RECONNECT_MS,
      );
      // Both instances are connected again (each /api/ready pings Redis) before the next change.
      for (const s of [a, b])
        await within(
          `${s.name} ready`,
          async () => (await api(s, "GET", "/api/ready")).status === 200 || "503",
          RECONNECT_MS,
        );
      const settled = Math.round(performance.now() - back);
      await apiOk(a, "POST", "/api/admin/api-key/revoke", { body: { id: later.id } });
      await createModel(a, providerId, afterwards);
      const heard = await within(
        "the changes made after the restart",
        async () =>
          ((await answers(b, later.key, 401)()) === true && (await listsModel(b, watcher.key, afterwards))) ||
          "not yet",
      );
      times.push(heard);
      return `changes made while away seen ${reloaded} ms after Redis was back (both ready after ${settled} ms); a revocation and a model made after: ${heard} ms`;
    },
  );

  if (times.length) console.log(`[multi] propagation A → B: ${times.join(", ")} ms (max ${Math.max(...times)} ms)`);
}
