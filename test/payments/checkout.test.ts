import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as configRoute } from "@/app/api/admin/config/route";
import { GET as paymentRoute } from "@/app/api/user/payments/[id]/route";
import { GET as paymentStreamRoute } from "@/app/api/user/payments/[id]/stream/route";
import { GET as optionsRoute } from "@/app/api/user/payments/options/route";
import { GET as listRoute } from "@/app/api/user/payments/route";
import { getDb } from "@/lib/db/client";
import { microsToMinorOrThrow, minorToMicros } from "@/lib/payments/currency";
import { expectValidationError, regularUser } from "../helpers/admin";
import { ADMIN_TOKEN, call, json, startApp } from "../helpers/app";
import { buyer, checkout, closePaymentServices, fake } from "./helpers";

beforeAll(startApp);
afterAll(closePaymentServices);

describe("POST /api/user/payments/checkout", () => {
  it("creates a payment-mode Checkout Session naming the user, with an idempotency key and return URLs", async () => {
    const user = await buyer();
    const { res, body, sessionId } = await checkout(user, 25);
    expect(res.status).toBe(201);
    expect(body).toMatchObject({ amount: "25.000000", currency: "usd" });
    expect(body.url).toBe(`${fake.url}/checkout/${sessionId}`);
    const request = fake.state.requests.find(
      (r) =>
        r.path === "/v1/checkout/sessions" &&
        (r.body.metadata as Record<string, string>).tollgate_payment_id === body.id,
    )!;
    expect(request.idempotencyKey).toBe(`checkout-${body.id}`);
    expect(request.body).toMatchObject({
      mode: "payment",
      client_reference_id: user.user.id,
      metadata: { tollgate_user_id: user.user.id },
      success_url: `http://tollgate.test/settings/payments/${body.id}`,
      cancel_url: `http://tollgate.test/settings/payments/${body.id}?canceled=1`,
      payment_intent_data: { setup_future_usage: "off_session" },
      line_items: [{ quantity: "1", price_data: { currency: "usd", unit_amount: "2500" } }],
    });
    const db = await getDb();
    expect(await db.payment.findUniqueOrThrow({ where: { id: body.id } })).toMatchObject({
      state: "PENDING",
      checkoutSessionId: sessionId,
      amountMinor: 2500n,
    });
  });

  it.each([
    ["below the minimum", "4.99"],
    ["above the maximum", "1000.01"],
    ["zero", 0],
    ["negative", -10],
    ["finer than a cent", "10.001"],
    ["finer than a cent (number)", 10.005],
    ["a word", "ten"],
    ["1e308", 1e308],
    ["an object", { value: 10 }],
    ["null", null],
  ])("refuses an amount %s with a 400 naming the field and creates nothing", async (_label, amount) => {
    const user = await buyer();
    const { res } = await checkout(user, amount);
    await expectValidationError(res, "amount");
    const db = await getDb();
    expect(await db.payment.count({ where: { userId: user.user.id } })).toBe(0);
  });

  it("converts amounts exactly, zero-decimal currencies included", () => {
    expect(microsToMinorOrThrow(12_340_000n, "usd", "amount")).toBe(1234n);
    expect(microsToMinorOrThrow(500_000_000n, "jpy", "amount")).toBe(500n);
    expect(() => microsToMinorOrThrow(500_500_000n, "jpy", "amount")).toThrow(/at most 0 decimals/);
    expect(microsToMinorOrThrow(1_234_000n, "kwd", "amount")).toBe(1234n);
    expect(minorToMicros(1234n, "usd")).toBe(12_340_000n);
    expect(minorToMicros(500n, "jpy")).toBe(500_000_000n);
  });
});

describe("the user's payments", () => {
  it("offers the bounds and presets, lists the user's own payments and hides others' as 404", async () => {
    const user = await buyer();
    const options = await json(await call(optionsRoute, { cookie: user.cookie }));
    expect(options).toMatchObject({
      enabled: true,
      currency: "usd",
      decimals: 2,
      minimum: "5.000000",
      maximum: "1000.000000",
    });
    const { body } = await checkout(user, "10");
    const list = await json<{ total: number; items: Array<{ id: string; state: string; amount: string }> }>(
      await call(listRoute, { cookie: user.cookie, path: "/api/user/payments" }),
    );
    expect(list.total).toBe(1);
    expect(list.items[0]).toMatchObject({ id: body.id, state: "PENDING", amount: "10.000000" });
    const other = await regularUser("other");
    expect((await call(paymentRoute, { cookie: other.cookie, params: { id: body.id } })).status).toBe(404);
    expect((await call(paymentRoute, { cookie: user.cookie, params: { id: body.id } })).status).toBe(200);
  });
});

describe("GET /api/user/payments/{id}/stream", () => {
  it("sends the payment as it is, then again when Stripe's webhook turns it paid (the result page's live state)", async () => {
    const user = await buyer();
    const { body, sessionId } = await checkout(user, "10");
    const other = await regularUser("other");
    expect((await call(paymentStreamRoute, { cookie: other.cookie, params: { id: body.id } })).status).toBe(404);
    const controller = new AbortController();
    const res = await call(paymentStreamRoute, {
      cookie: user.cookie,
      params: { id: body.id },
      signal: controller.signal,
    });
    expect(res.headers.get("content-type")).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    async function nextPayment(): Promise<{ id: string; state: string; credited: string }> {
      for (;;) {
        const m = /data: (.*)\n\n/.exec(buffer);
        if (m) {
          buffer = buffer.slice(m.index + m[0].length);
          return JSON.parse(m[1]);
        }
        const { value, done } = await reader.read();
        if (done) throw new Error("stream ended");
        buffer += decoder.decode(value);
      }
    }
    try {
      expect(await nextPayment()).toMatchObject({ id: body.id, state: "PENDING", credited: "0.000000" });
      expect(await fake.pay(sessionId)).toBe(200);
      let seen = await nextPayment();
      while (seen.state === "PENDING") seen = await nextPayment();
      expect(seen).toMatchObject({ id: body.id, state: "PAID", credited: "10.000000" });
    } finally {
      controller.abort();
    }
  });
});

describe("the bounds are a setting", () => {
  it("lets an administrator change minimum, maximum and presets, and refuses a maximum below the minimum", async () => {
    const put = (paymentBounds: object) =>
      call(configRoute, { method: "POST", path: "/api/admin/config", bearer: ADMIN_TOKEN, body: { paymentBounds } });
    await expectValidationError(await put({ minimum: "50", maximum: "20" }), "paymentBounds.maximum");
    const res = await put({ minimum: "2", maximum: "20", presets: ["2", "5"] });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(((await res.json()) as { paymentBounds: object }).paymentBounds).toEqual({
      minimum: "2.000000",
      maximum: "20.000000",
      presets: ["2.000000", "5.000000"],
    });
    try {
      const user = await buyer();
      expect((await checkout(user, "3")).res.status).toBe(201);
      await expectValidationError((await checkout(user, "25")).res, "amount");
    } finally {
      await put({ minimum: "5", maximum: "1000", presets: ["10", "25", "50", "100"] });
    }
  });
});
