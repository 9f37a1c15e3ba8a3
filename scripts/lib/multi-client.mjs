// The HTTP client and check runner of npm run test:multi (scripts/multi-instance.mjs and the
// propagation checks in scripts/multi-instance-sync.mjs): admin API calls, chat calls, issuing keys.
import { randomBytes } from "node:crypto";

export const ADMIN_TOKEN = `multi-admin-${randomBytes(12).toString("hex")}`;
export const MODEL = "fake-model";
export const PRICES = { input: 3, output: 7 }; // per million tokens, in currency units

export const log = (message) => console.log(`[multi] ${message}`);
export const results = [];

export async function check(name, fn) {
  const started = Date.now();
  try {
    const detail = await fn();
    results.push(true);
    console.log(`PASS  ${name}${detail ? ` – ${detail}` : ""} (${Date.now() - started} ms)`);
  } catch (err) {
    results.push(false);
    console.log(`FAIL  ${name} – ${err instanceof Error ? err.message : err}`);
  }
}

export function assert(condition, message) {
  if (!condition) throw new Error(message);
}

export async function api(server, method, route, { body, bearer = ADMIN_TOKEN } = {}) {
  const res = await fetch(`${server.url}${route}`, {
    method,
    headers: { authorization: `Bearer ${bearer}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, json, text };
}

export async function apiOk(server, method, route, options) {
  const res = await api(server, method, route, options);
  assert(
    res.status >= 200 && res.status < 300,
    `${method} ${route} on ${server.name} answered ${res.status}: ${res.text.slice(0, 300)}`,
  );
  return res.json;
}

export const chat = (server, key, model = MODEL) =>
  api(server, "POST", "/v1/chat/completions", {
    bearer: key,
    body: { model, max_tokens: 10, messages: [{ role: "user", content: "hi" }] },
  });

let keySeq = 0;
/** How many keys were issued so far: a suffix that makes names unique. */
export const issuedKeys = () => keySeq;
export async function issueKey(server, fields = {}, limits = {}) {
  const applied = await apiOk(server, "POST", "/api/admin/api-key/apply", {
    body: { name: `multi ${++keySeq}`, email: `multi-${keySeq}@example.test`, ...fields },
  });
  if (Object.keys(limits).length)
    await apiOk(server, "POST", "/api/admin/api-key/update", { body: { id: applied.api_key.id, ...limits } });
  return { key: applied.key, id: applied.api_key.id, userId: applied.user.id };
}

/** "0.00016" → 160, exactly (a decimal string, not a float). */
export const microsOf = (text) => {
  const [whole, frac = ""] = text.split(".");
  return Number(whole) * 1_000_000 + Number(frac.padEnd(6, "0").slice(0, 6));
};
