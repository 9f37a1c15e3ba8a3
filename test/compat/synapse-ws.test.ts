// Issue 23: SynapseChat's WebSocket /admin/ws over a real socket. A node HTTP server hands each
// request to the route handler (as Next.js would) and scripts/synapse-ws.mjs — the file
// scripts/serve.mjs attaches — takes the upgrade; a `ws` client connects as SynapseChat's do.
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import * as wsRoute from "@/app/compat/synapse/admin/ws/route";
import { createUser } from "@/lib/users/accounts";
import { attachSynapseWebSocket, SYNAPSE_WS_PATH } from "../../scripts/synapse-ws.mjs";
import { startApp } from "../helpers/app";

const server = http.createServer(async (req, res) => {
  const left = new AbortController();
  res.on("close", () => left.abort());
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
  const response = await wsRoute.GET(new Request(`http://127.0.0.1${req.url}`, { headers, signal: left.signal }), {
    params: Promise.resolve({}),
  });
  res.writeHead(response.status, Object.fromEntries(response.headers));
  if (!response.body) return void res.end();
  const reader = response.body.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) res.write(r.value);
  res.end();
});
let url = "";

beforeAll(async () => {
  await startApp();
  await createUser({ email: "admin@synapse.local", password: "admin-pass-123", role: "ADMIN" });
  await createUser({ email: "plain@synapse.local", password: "plain-pass-123" });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  attachSynapseWebSocket(server, { origin: `http://127.0.0.1:${port}` });
  url = `ws://127.0.0.1:${port}${SYNAPSE_WS_PATH}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const auth = (user: string, password: string) => ({
  headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` },
});

function firstMessage(ws: WebSocket): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    ws.once("message", (data) => resolve(JSON.parse(String(data))));
    ws.once("error", reject);
  });
}

function refusal(ws: WebSocket): Promise<{ status: number; challenge?: string }> {
  return new Promise((resolve, reject) => {
    ws.once("unexpected-response", (_req, res) =>
      resolve({ status: res.statusCode ?? 0, challenge: res.headers["www-authenticate"] }),
    );
    ws.once("open", () => reject(new Error("the upgrade was accepted")));
    ws.once("error", () => {});
  });
}

describe("GET /compat/synapse/admin/ws over a WebSocket", () => {
  it("sends the metrics message with the document's fields to an admin (Basic header, as in its websocat example)", async () => {
    const ws = new WebSocket(url, auth("admin", "admin-pass-123"));
    const message = await firstMessage(ws);
    ws.close();
    expect(message).toMatchObject({
      type: "metrics",
      cpu: expect.any(Number),
      memory: expect.any(Number),
      network: expect.any(Number),
      disk: expect.any(Number),
      day_total: 0,
      total: 0,
      users: expect.arrayContaining(["admin", "plain"]),
      models: [],
      port: expect.any(String),
    });
  });

  it("takes ?username=&password= as the document allows", async () => {
    const ws = new WebSocket(`${url}?username=admin&password=admin-pass-123`);
    expect((await firstMessage(ws)).type).toBe("metrics");
    ws.close();
  });

  it("refuses the upgrade without credentials (401 with a Basic challenge) and for a non-admin (403)", async () => {
    expect(await refusal(new WebSocket(url))).toMatchObject({
      status: 401,
      challenge: expect.stringContaining("Basic"),
    });
    expect((await refusal(new WebSocket(url, auth("plain", "plain-pass-123")))).status).toBe(403);
    expect((await refusal(new WebSocket(url, auth("admin", "wrong-password")))).status).toBe(401);
  });
});
