// Issue 8 item 11: provider base URLs (and anything else Tollgate fetches) reach internal addresses
// only when OUTBOUND_ALLOW lists them — checked when an admin saves the URL, again at every
// connection (so a name that starts resolving elsewhere is caught) and at every redirect hop.

import http from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import * as providerCreate from "@/app/api/admin/provider/create/route";
import * as providerUpdate from "@/app/api/admin/provider/update/route";
import { loadConfig, resetConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { addressProblem, checkOutboundUrlForm } from "@/lib/net/policy";
import { createModel, createProvider } from "@/lib/providers/admin";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { ADMIN_TOKEN, call, json, startApp } from "../helpers/app";
import { gatewayFetch, userWithKey } from "../helpers/gateway";

const up = await startFakeUpstream();
const testAllowList = process.env.OUTBOUND_ALLOW;
let key = "";

/** A server that answers every request with a redirect to `location`, counting what it got. */
async function redirector(location: () => string, host = "127.0.0.1") {
  let hits = 0;
  const server = http.createServer((req, res) => {
    hits++;
    req.resume();
    res.writeHead(307, { location: location() }).end();
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    url: `http://${host}:${(server.address() as { port: number }).port}`,
    hits: () => hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function allow(value: string) {
  process.env.OUTBOUND_ALLOW = value;
  resetConfig();
}

async function route(publicId: string, kind: "OPENAI_COMPATIBLE" | "OLLAMA", baseUrl: string) {
  const provider = await createProvider({ name: `p-${publicId}`, kind, baseUrl });
  await createModel({
    publicId,
    providerId: provider.id,
    upstreamId: kind === "OLLAMA" ? "llama3.2:latest" : "fake-model",
    inputPrice: "1",
    outputPrice: "2",
  });
}

function chat(model: string, content: unknown = "hi") {
  return gatewayFetch("http://tollgate.test/v1/chat/completions", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ model, messages: [{ role: "user", content }] }),
  });
}

beforeAll(async () => {
  await startApp();
  ({ key } = await userWithKey());
});
afterEach(() => allow(testAllowList ?? ""));
afterAll(() => up.close());

describe("provider base URLs saved by an admin", () => {
  const refused: Array<[string, RegExp]> = [
    ["http://169.254.169.254/latest/meta-data/", /169\.254\.169\.254 is a link-local/],
    ["http://[::ffff:7f00:1]:11434", /::ffff:7f00:1 is a loopback/],
    ["http://[::ffff:169.254.169.254]/", /link-local/],
    ["http://2130706433/v1", /127\.0\.0\.1 is a loopback/],
    ["http://0177.0.0.1/v1", /127\.0\.0\.1 is a loopback/],
    ["http://0x7f.1/v1", /127\.0\.0\.1 is a loopback/],
    ["http://user@127.0.0.1/v1", /credentials \(user@host\)/],
    ["https://user:pw@api.example.com/v1", /credentials \(user@host\)/],
    ["http://localhost:11434", /localhost resolves to .* loopback/],
    ["http://10.1.2.3/v1", /private/],
    ["http://172.16.0.1/v1", /private/],
    ["http://192.168.1.1/v1", /private/],
    ["http://100.64.0.1/v1", /CGNAT/],
    ["http://0.0.0.0:8080/v1", /unspecified/],
    ["http://[::]:8080/v1", /unspecified/],
    ["http://[::1]:8080/v1", /loopback/],
    ["http://[fd00::1]/v1", /unique local/],
    ["http://[fe80::1]/v1", /link-local/],
    ["http://224.0.0.1/v1", /multicast/],
  ];

  it("refuses internal addresses in every spelling with a 400 naming the problem, and writes nothing", async () => {
    allow("");
    const db = await getDb();
    const before = { providers: await db.provider.count(), audit: await db.auditLog.count() };
    for (const [baseUrl, problem] of refused) {
      const res = await call(providerCreate.POST, {
        bearer: ADMIN_TOKEN,
        body: { name: "internal", kind: "OPENAI_COMPATIBLE", baseUrl },
      });
      const body = await json<{ error: { code: string; message: string; param?: string } }>(res);
      expect(res.status, `${baseUrl}: ${JSON.stringify(body)}`).toBe(400);
      expect(body.error.message, baseUrl).toMatch(/^baseUrl: /);
      expect(body.error.message, baseUrl).toMatch(problem);
    }
    expect({ providers: await db.provider.count(), audit: await db.auditLog.count() }).toEqual(before);
  });

  it("refuses them on update too, leaving the provider as it was", async () => {
    allow("");
    const res = await call(providerCreate.POST, {
      bearer: ADMIN_TOKEN,
      body: { name: "public", kind: "OPENAI_COMPATIBLE", baseUrl: "http://93.184.215.14/v1" },
    });
    expect(res.status).toBe(201);
    const { provider } = await json<{ provider: { id: string } }>(res);
    const update = await call(providerUpdate.POST, {
      bearer: ADMIN_TOKEN,
      body: { id: provider.id, baseUrl: "http://169.254.169.254/" },
    });
    expect(update.status).toBe(400);
    expect((await json<{ error: { message: string } }>(update)).error.message).toMatch(
      /169\.254\.169\.254 is a link-local/,
    );
    const db = await getDb();
    expect((await db.provider.findUniqueOrThrow({ where: { id: provider.id } })).baseUrl).toBe(
      "http://93.184.215.14/v1",
    );
  });

  it("accepts internal hosts, addresses and ranges that OUTBOUND_ALLOW lists", async () => {
    allow("127.0.0.1, localhost, 10.0.0.0/8, ::1");
    for (const [i, baseUrl] of [
      "http://127.0.0.1:11434",
      "http://2130706433/",
      "http://localhost:11434",
      "http://10.9.8.7/v1",
      "http://[::1]:8000/v1",
    ].entries()) {
      const res = await call(providerCreate.POST, {
        bearer: ADMIN_TOKEN,
        body: { name: `allowed-${i}`, kind: "OLLAMA", baseUrl },
      });
      expect(res.status, `${baseUrl}: ${await res.clone().text()}`).toBe(201);
    }
    // The list opens exactly what it names.
    const res = await call(providerCreate.POST, {
      bearer: ADMIN_TOKEN,
      body: { name: "not-listed", kind: "OLLAMA", baseUrl: "http://169.254.169.254/" },
    });
    expect(res.status).toBe(400);
  });

  it("refuses schemes other than http(s) and judges IPv4-mapped IPv6 as IPv4", () => {
    allow("");
    for (const url of ["file:///etc/passwd", "gopher://127.0.0.1:6379/_INFO", "ftp://example.com/"])
      expect(() => checkOutboundUrlForm(url), url).toThrow(/not allowed; use http or https/);
    expect(addressProblem("::ffff:10.0.0.1")).toMatch(/private/);
    expect(addressProblem("8.8.8.8")).toBeNull();
    expect(addressProblem("2606:4700:4700::1111")).toBeNull();
  });

  it("rejects an OUTBOUND_ALLOW entry that is not a host, address or range at start-up", () => {
    expect(() => loadConfig({ ...process.env, OUTBOUND_ALLOW: "127.0.0.1, http://x/" })).toThrow(
      /OUTBOUND_ALLOW 'http:\/\/x\/' is not a host name/,
    );
    expect(() => loadConfig({ ...process.env, OUTBOUND_ALLOW: "10.0.0.0/33" })).toThrow(/OUTBOUND_ALLOW/);
  });
});

describe("at request time", () => {
  it("refuses a provider whose address is not allowed (any more), before connecting, without telling the client where", async () => {
    allow("127.0.0.1, localhost");
    await route("literal-ip", "OPENAI_COMPATIBLE", `${up.url}/v1`);
    await route("by-name", "OPENAI_COMPATIBLE", `http://localhost:${up.port}/v1`);
    await route("ollama-by-name", "OLLAMA", `http://localhost:${up.port}`);
    // Allowed and used once: the policy that changes next must still apply to it (nothing stays approved).
    expect((await chat("literal-ip")).status).toBe(200);

    // The literal address is refused on its form; the names when they resolve (the connection's own
    // lookup, which also pins the connection to the addresses it checked).
    allow("");
    const seen = up.requests.length;
    for (const model of ["literal-ip", "by-name", "ollama-by-name"]) {
      const res = await chat(model);
      const text = await res.text();
      expect(res.status, model).toBe(502);
      expect(text).toMatch(/outbound address policy/);
      expect(text).not.toMatch(/127\.0\.0\.1|localhost/);
    }
    expect(up.requests.length).toBe(seen);

    allow("127.0.0.1");
    expect((await chat("literal-ip")).status).toBe(200);
    // localhost is not listed by name: every address it resolves to (127.0.0.1, maybe ::1) must be.
    allow("127.0.0.0/8, ::1");
    for (const model of ["by-name", "ollama-by-name"]) expect((await chat(model)).status, model).toBe(200);
  });

  it("checks each redirect hop: a redirect to an internal address is refused at the hop", async () => {
    // A second server on another loopback address stands in for the internal target.
    const internal = await startFakeUpstream({ host: "127.0.0.2" });
    const toMetadata = await redirector(() => "http://169.254.169.254/latest/meta-data/iam/");
    const toInternal = await redirector(() => `${internal.url}/v1/chat/completions`);
    const toAllowed = await redirector(() => `${up.url}/v1/chat/completions`);
    try {
      allow("127.0.0.1");
      await route("to-metadata", "OPENAI_COMPATIBLE", `${toMetadata.url}/v1`);
      await route("to-internal", "OPENAI_COMPATIBLE", `${toInternal.url}/v1`);
      await route("to-allowed", "OPENAI_COMPATIBLE", `${toAllowed.url}/v1`);
      await route("ollama-to-internal", "OLLAMA", toInternal.url);

      for (const model of ["to-metadata", "to-internal", "ollama-to-internal"]) {
        const res = await chat(model);
        expect(res.status, model).toBe(502);
        expect(await res.text()).toMatch(/outbound address policy/);
      }
      expect(toMetadata.hits()).toBe(1);
      expect(toInternal.hits()).toBe(2);
      expect(internal.requests).toHaveLength(0);

      // Followed when the next hop is allowed too.
      const seen = up.requests.length;
      expect((await chat("to-allowed")).status).toBe(200);
      expect(up.requests.length).toBe(seen + 1);
      // A large body (sent in parts, its own bytes between short pieces) reaches the next hop whole.
      const large = "a redirected prompt ".repeat(5_000);
      expect((await chat("to-allowed", large)).status).toBe(200);
      expect((up.requests.at(-1)!.body as { messages: unknown }).messages).toEqual([{ role: "user", content: large }]);
      allow("127.0.0.1, 127.0.0.2");
      expect((await chat("to-internal")).status).toBe(200);
      expect(internal.requests).toHaveLength(1);
    } finally {
      await Promise.all([internal.close(), toMetadata.close(), toInternal.close(), toAllowed.close()]);
    }
  });
});

describe("image URLs in messages", () => {
  it("are never fetched by Tollgate: passed unchanged to OpenAI-wire upstreams, refused for Bedrock and Ollama", async () => {
    const canary = await startFakeUpstream();
    try {
      allow("127.0.0.1");
      await route("wire-images", "OPENAI_COMPATIBLE", `${up.url}/v1`);
      await route("ollama-images", "OLLAMA", up.url);
      const image = `${canary.url}/latest/meta-data/secret.png`;
      const content = [
        { type: "text", text: "what is this" },
        { type: "image_url", image_url: { url: image } },
      ];

      expect((await chat("wire-images", content)).status).toBe(200);
      expect(JSON.stringify(up.requests.at(-1)!.body)).toContain(image);

      const res = await chat("ollama-images", content);
      expect(res.status).toBe(400);
      expect(await res.text()).toMatch(/base64 data: URLs/);

      expect(canary.requests).toHaveLength(0);
    } finally {
      await canary.close();
    }
  });
});
