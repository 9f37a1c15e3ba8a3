import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flushRecords } from "@/lib/billing/recorder";
import { getDb } from "@/lib/db/client";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { startApp } from "../helpers/app";
import { sdk, seedProviders, userWithKey } from "../helpers/gateway";

const up = await startFakeUpstream();

beforeAll(async () => {
  await startApp();
  await seedProviders(up);
});
afterAll(() => up.close());

describe("sessions for stateless clients", () => {
  it("groups three turns of one conversation into one session without any header", async () => {
    const { key: own, user } = await userWithKey();
    const client = sdk(own);
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: "system", content: "be brief" }];
    for (const turn of ["first question", "second question", "third question"]) {
      messages.push({ role: "user", content: turn });
      const res = await client.chat.completions.create({ model: "gpt-fake", messages });
      messages.push(res.choices[0].message);
    }
    await flushRecords();
    const db = await getDb();
    const sessions = await db.chatSession.findMany({ where: { userId: user.id }, include: { requests: true } });
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ source: "API", title: "first question" });
    expect(sessions[0].requests).toHaveLength(3);
  });

  it("uses x-session-id when given", async () => {
    const { key: own, user } = await userWithKey();
    for (const content of ["a", "unrelated b"]) {
      await sdk(own).chat.completions.create(
        { model: "gpt-fake", messages: [{ role: "user", content }] },
        { headers: { "x-session-id": "crm-ticket-42" } },
      );
    }
    await flushRecords();
    const db = await getDb();
    const sessions = await db.chatSession.findMany({ where: { userId: user.id }, include: { requests: true } });
    expect(sessions).toHaveLength(1);
    expect(sessions[0].requests).toHaveLength(2);
  });
});
