// Issue 23: SynapseChat's WebSocket /compat/synapse/admin/ws on the production server (scripts/serve.mjs,
// what `npm start` and the Docker image run), not only on the test's own HTTP server
// (test/compat/synapse-ws.test.ts). A `ws` client connects as SynapseChat's admin page does.
import WebSocket from "ws";
import { admin, expect, test, uniqueEmail } from "./fixtures";

function wsUrl(baseURL: string | undefined, query = ""): string {
  return `${(baseURL ?? "").replace(/^http/, "ws")}/compat/synapse/admin/ws${query}`;
}

const basic = (user: string, password: string) => ({
  headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` },
});

function firstMessage(ws: WebSocket): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    ws.once("message", (data) => resolve(JSON.parse(String(data))));
    ws.once("error", reject);
    ws.once("unexpected-response", (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
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

test("an admin's Basic credentials open the metrics WebSocket with the document's fields", async ({ baseURL }) => {
  const ws = new WebSocket(wsUrl(baseURL), basic(admin.email, admin.password));
  const message = await firstMessage(ws);
  ws.close();
  expect(message).toMatchObject({
    type: "metrics",
    cpu: expect.any(Number),
    memory: expect.any(Number),
    users: expect.any(Array),
    models: expect.any(Array),
  });
});

test("?username=&password= works too, and wrong or non-admin credentials are refused before the upgrade", async ({
  baseURL,
  api,
}) => {
  const query = `?username=${encodeURIComponent(admin.email)}&password=${encodeURIComponent(admin.password)}`;
  const ws = new WebSocket(wsUrl(baseURL, query));
  expect((await firstMessage(ws)).type).toBe("metrics");
  ws.close();

  const wrong = await refusal(new WebSocket(wsUrl(baseURL), basic(admin.email, "not-the-password")));
  expect(wrong.status).toBe(401);
  expect(wrong.challenge).toMatch(/^Basic realm=/);

  const email = uniqueEmail("synapse-user");
  await api.register(email, "plain-password-123", "Plain");
  expect((await refusal(new WebSocket(wsUrl(baseURL), basic(email, "plain-password-123")))).status).toBe(403);
});
