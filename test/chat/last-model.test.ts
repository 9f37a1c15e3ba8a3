import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as modelsRoute from "@/app/api/chat/models/route";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { call, json, startApp } from "../helpers/app";
import { seedProviders } from "../helpers/gateway";
import { chatUser, postChat, readEvents, userMessage } from "./helpers";

const up = await startFakeUpstream();

beforeAll(async () => {
  await startApp();
  await seedProviders(up);
});
afterAll(() => up.close());

describe("GET /api/chat/models – the last model used", () => {
  it("is null at first, then the model of the user's latest turn, for that user only", async () => {
    const a = await chatUser();
    const b = await chatUser();
    const last = async (cookie: string) =>
      (await json<{ lastModel: string | null }>(await call(modelsRoute.GET, { cookie }))).lastModel;
    expect(await last(a.cookie)).toBeNull();
    await readEvents(await postChat(a.cookie, { model: "gpt-fake", message: userMessage("echo: hi") }));
    expect(await last(a.cookie)).toBe("gpt-fake");
    await readEvents(await postChat(a.cookie, { model: "compat-fake", message: userMessage("echo: again") }));
    expect(await last(a.cookie)).toBe("compat-fake");
    expect(await last(b.cookie)).toBeNull();
  });
});
