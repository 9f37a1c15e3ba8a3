// Fake Stripe for tests: the parts of Stripe's REST API Tollgate calls, a hosted checkout page with a
// "Pay" button, and signed webhooks sent back to Tollgate (stripe.webhooks.generateTestHeaderString).
//
//   import { startFakeStripe } from "./test/fake-stripe/server.mjs";
//   const fake = await startFakeStripe({ webhookSecret, webhookUrl });   // or deliver: (payload, header) => status
//   STRIPE_API_BASE=fake.url
//
// API: POST /v1/customers, POST /v1/checkout/sessions, GET /v1/checkout/sessions/:id,
// POST /v1/payment_intents (off-session, confirm), GET /v1/payment_intents/:id, POST /v1/refunds.
// Bodies are form-encoded as the real API's; an Idempotency-Key replays the first answer.

import { randomBytes } from "node:crypto";
import http from "node:http";
import { setImmediate } from "node:timers";
import { URLSearchParams } from "node:url";
import Stripe from "stripe";

const signer = new Stripe("sk_test_fake_signer");
const newId = (prefix) => `${prefix}_test_${randomBytes(12).toString("hex")}`;
const now = () => Math.floor(Date.now() / 1000);

/** `a[b][0][c]=v` → { a: { b: [ { c: "v" } ] } }, as Stripe reads form bodies. */
export function parseStripeForm(text) {
  const out = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const path = key.replace(/\]/g, "").split("[");
    let node = out;
    path.forEach((part, i) => {
      const last = i === path.length - 1;
      if (last) node[part] = value;
      else {
        const nextIsIndex = /^\d+$/.test(path[i + 1]);
        node[part] ??= nextIsIndex ? [] : {};
        node = node[part];
      }
    });
  }
  return out;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function stripeError(status, type, message, extra = {}) {
  return { status, body: { error: { type, message, ...extra } } };
}

export async function startFakeStripe({
  port = 0,
  host = "127.0.0.1",
  webhookSecret,
  webhookUrl,
  deliver,
  payWebhookDelayMs = 0,
} = {}) {
  if (!webhookSecret) throw new Error("startFakeStripe needs the webhook secret it signs with");
  const state = {
    customers: new Map(),
    sessions: new Map(),
    intents: new Map(),
    charges: new Map(),
    refunds: new Map(),
    idempotent: new Map(),
    /** Every API request: method, path, parsed body, Idempotency-Key. */
    requests: [],
    /** Every event sent, with Tollgate's answer. */
    deliveries: [],
    pending: new Set(),
  };
  const options = {
    /** Pay each checkout while Stripe is still answering its creation (a webhook before the caller has the session). */
    completeOnCreate: false,
    /** Decline every off-session charge (auto top-up). */
    declineOffSession: false,
    /** The hosted page's "Pay" redirects back at once and sends the webhook this much later (0: before redirecting). */
    payWebhookDelayMs,
  };
  let target = { webhookUrl, deliver };

  function signedEvent(type, object, opts = {}) {
    const event = {
      id: opts.id ?? newId("evt"),
      object: "event",
      api_version: "2026-11-18.endive",
      created: now(),
      type,
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      data: { object },
    };
    const payload = JSON.stringify(event);
    const header = signer.webhooks.generateTestHeaderString({
      payload,
      secret: opts.secret ?? webhookSecret,
      timestamp: opts.timestamp ?? now(),
    });
    return { event, payload, header };
  }

  async function post(payload, header) {
    if (target.deliver) return target.deliver(payload, header);
    if (!target.webhookUrl) throw new Error("fake Stripe: no webhook target");
    const res = await fetch(target.webhookUrl, {
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8", "stripe-signature": header },
      body: payload,
    });
    await res.text();
    return res.status;
  }

  /** Signs and delivers one event; resolves to Tollgate's HTTP status. */
  async function send(type, object, opts = {}) {
    const { event, payload, header } = signedEvent(type, object, opts);
    const status = await post(payload, header);
    state.deliveries.push({ id: event.id, type, status });
    return status;
  }

  /** Sends in the background, as Stripe does after answering; `idle()` waits for these. */
  function sendLater(type, object) {
    const p = new Promise((resolve) => setImmediate(resolve)).then(() => send(type, object)).catch(() => 0);
    state.pending.add(p);
    p.finally(() => state.pending.delete(p));
  }

  function newIntent(fields) {
    const intent = {
      id: newId("pi"),
      object: "payment_intent",
      amount: fields.amount,
      amount_received: 0,
      currency: fields.currency,
      customer: fields.customer ?? null,
      payment_method: null,
      setup_future_usage: fields.setup_future_usage ?? null,
      status: "requires_payment_method",
      metadata: fields.metadata ?? {},
      latest_charge: null,
      last_payment_error: null,
      created: now(),
      livemode: false,
    };
    state.intents.set(intent.id, intent);
    return intent;
  }

  function succeedIntent(intent) {
    intent.payment_method ??= newId("pm");
    const charge = {
      id: newId("ch"),
      object: "charge",
      amount: intent.amount,
      amount_refunded: 0,
      refunded: false,
      currency: intent.currency,
      payment_intent: intent.id,
      customer: intent.customer,
      status: "succeeded",
      paid: true,
      created: now(),
      livemode: false,
      metadata: intent.metadata,
    };
    state.charges.set(charge.id, charge);
    Object.assign(intent, { status: "succeeded", amount_received: intent.amount, latest_charge: charge.id });
    return charge;
  }

  /**
   * The customer pays a checkout. `paymentStatus: "unpaid"` is a bank debit still on its way
   * (complete the payment later with asyncResult()). Resolves to Tollgate's status for the session event.
   */
  async function pay(sessionId, { paymentStatus = "paid" } = {}) {
    const session = state.sessions.get(sessionId);
    if (!session) throw new Error(`fake Stripe: no session ${sessionId}`);
    const intent = newIntent({
      amount: session.amount_total,
      currency: session.currency,
      customer: session.customer,
      metadata: session.payment_intent_data.metadata ?? {},
      setup_future_usage: session.payment_intent_data.setup_future_usage,
    });
    Object.assign(session, { status: "complete", payment_intent: intent.id });
    if (paymentStatus === "paid") {
      succeedIntent(intent);
      session.payment_status = "paid";
      await send("payment_intent.succeeded", intent);
    } else {
      intent.status = "processing";
    }
    return send("checkout.session.completed", publicSession(session));
  }

  /** The bank debit of an unpaid checkout arrives (or does not). */
  async function asyncResult(sessionId, succeeded) {
    const session = state.sessions.get(sessionId);
    const intent = state.intents.get(session.payment_intent);
    if (succeeded) {
      succeedIntent(intent);
      session.payment_status = "paid";
      return send("checkout.session.async_payment_succeeded", publicSession(session));
    }
    intent.status = "requires_payment_method";
    return send("checkout.session.async_payment_failed", publicSession(session));
  }

  async function expire(sessionId) {
    const session = state.sessions.get(sessionId);
    session.status = "expired";
    return send("checkout.session.expired", publicSession(session));
  }

  async function dispute(paymentIntentId, amount) {
    const intent = state.intents.get(paymentIntentId);
    const charge = state.charges.get(intent.latest_charge);
    const d = {
      id: newId("dp"),
      object: "dispute",
      amount: amount ?? charge.amount,
      currency: charge.currency,
      charge: charge.id,
      payment_intent: intent.id,
      reason: "fraudulent",
      status: "needs_response",
      created: now(),
      livemode: false,
    };
    return send("charge.dispute.created", d);
  }

  function publicSession(s) {
    const { payment_intent_data: _internal, ...rest } = s;
    return structuredClone(rest);
  }

  const api = {
    "POST /v1/customers": (body) => {
      const c = {
        id: newId("cus"),
        object: "customer",
        email: body.email ?? null,
        metadata: body.metadata ?? {},
        created: now(),
        livemode: false,
      };
      state.customers.set(c.id, c);
      return { status: 200, body: c };
    },
    "POST /v1/checkout/sessions": async (body, base) => {
      const item = body.line_items?.[0];
      const amount = Number(item?.price_data?.unit_amount) * Number(item?.quantity ?? 1);
      const currency = item?.price_data?.currency;
      if (body.mode !== "payment" || !Number.isSafeInteger(amount) || amount <= 0 || !currency)
        return stripeError(
          400,
          "invalid_request_error",
          "fake Stripe: a payment-mode session with one priced line item is expected",
        );
      if (!body.success_url || !body.cancel_url)
        return stripeError(400, "invalid_request_error", "Missing required param: success_url.");
      const id = newId("cs");
      const session = {
        id,
        object: "checkout.session",
        mode: "payment",
        status: "open",
        payment_status: "unpaid",
        amount_subtotal: amount,
        amount_total: amount,
        currency,
        customer: body.customer ?? null,
        client_reference_id: body.client_reference_id ?? null,
        metadata: body.metadata ?? {},
        payment_intent: null,
        success_url: body.success_url,
        cancel_url: body.cancel_url,
        url: `${base}/checkout/${id}`,
        created: now(),
        expires_at: now() + 86_400,
        livemode: false,
        payment_intent_data: body.payment_intent_data ?? {},
      };
      state.sessions.set(id, session);
      if (options.completeOnCreate) await pay(id);
      return { status: 200, body: publicSession(session) };
    },
    "GET /v1/checkout/sessions/:id": (_body, _base, id) => {
      const s = state.sessions.get(id);
      return s
        ? { status: 200, body: publicSession(s) }
        : stripeError(404, "invalid_request_error", `No such checkout.session: '${id}'`);
    },
    "GET /v1/payment_intents/:id": (_body, _base, id) => {
      const pi = state.intents.get(id);
      return pi
        ? { status: 200, body: pi }
        : stripeError(404, "invalid_request_error", `No such payment_intent: '${id}'`);
    },
    "POST /v1/payment_intents": (body) => {
      const amount = Number(body.amount);
      if (!Number.isSafeInteger(amount) || amount <= 0 || !body.currency)
        return stripeError(400, "invalid_request_error", "Invalid amount or currency");
      const intent = newIntent({ amount, currency: body.currency, customer: body.customer, metadata: body.metadata });
      intent.payment_method = body.payment_method ?? null;
      if (body.confirm !== "true") return { status: 200, body: intent };
      if (options.declineOffSession) {
        intent.last_payment_error = { type: "card_error", code: "card_declined", message: "Your card was declined." };
        sendLater("payment_intent.payment_failed", structuredClone(intent));
        return stripeError(402, "card_error", "Your card was declined.", {
          code: "card_declined",
          decline_code: "generic_decline",
          payment_intent: intent,
        });
      }
      succeedIntent(intent);
      sendLater("payment_intent.succeeded", structuredClone(intent));
      return { status: 200, body: intent };
    },
    "POST /v1/refunds": (body) => {
      const intent = state.intents.get(body.payment_intent);
      const charge = intent && state.charges.get(intent.latest_charge);
      if (!charge) return stripeError(400, "invalid_request_error", `No such payment_intent: '${body.payment_intent}'`);
      const amount = body.amount === undefined ? charge.amount - charge.amount_refunded : Number(body.amount);
      if (!Number.isSafeInteger(amount) || amount <= 0 || amount > charge.amount - charge.amount_refunded) {
        return stripeError(
          400,
          "invalid_request_error",
          "Refund amount is greater than the unrefunded amount on the charge",
          { code: "amount_too_large" },
        );
      }
      charge.amount_refunded += amount;
      charge.refunded = charge.amount_refunded === charge.amount;
      const refund = {
        id: newId("re"),
        object: "refund",
        amount,
        currency: charge.currency,
        charge: charge.id,
        payment_intent: intent.id,
        status: "succeeded",
        created: now(),
      };
      state.refunds.set(refund.id, refund);
      sendLater("charge.refunded", structuredClone(charge));
      return { status: 200, body: refund };
    },
  };

  function route(method, pathname) {
    for (const [key, handler] of Object.entries(api)) {
      const [m, pattern] = key.split(" ");
      if (m !== method) continue;
      const re = new RegExp(`^${pattern.replace(":id", "([^/]+)")}$`);
      const match = re.exec(pathname);
      if (match) return { handler, id: match[1] ? decodeURIComponent(match[1]) : undefined };
    }
    return null;
  }

  function checkoutPage(session) {
    const amount = (session.amount_total / 100).toFixed(2);
    return `<!doctype html><html><head><meta charset="utf-8"><title>Fake Stripe Checkout</title></head><body>
<h1>Fake Stripe Checkout</h1>
<p data-testid="fake-checkout-amount">${amount} ${session.currency.toUpperCase()}</p>
<form method="post" action="/checkout/${session.id}/pay"><button type="submit" data-testid="fake-checkout-pay">Pay</button></form>
<p><a href="${session.cancel_url}" data-testid="fake-checkout-cancel">Cancel</a></p>
</body></html>`;
  }

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, `http://${req.headers.host}`);
    const base = `http://${req.headers.host}`;
    const reply = (status, body, headers = {}) => {
      res.writeHead(status, { "content-type": "application/json", "request-id": newId("req"), ...headers });
      res.end(JSON.stringify(body));
    };
    try {
      const text = await readBody(req);
      const page = /^\/checkout\/([^/]+)(\/pay)?$/.exec(url.pathname);
      if (page) {
        const session = state.sessions.get(page[1]);
        if (!session) return reply(404, { error: "no such checkout" });
        if (req.method === "GET" && !page[2]) {
          res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
          return res.end(checkoutPage(session));
        }
        if (req.method === "POST" && page[2]) {
          if (session.status === "open" && options.payWebhookDelayMs > 0) {
            session.status = "complete";
            const later = new Promise((resolve) => setTimeout(resolve, options.payWebhookDelayMs))
              .then(() => pay(session.id))
              .catch(() => 0);
            state.pending.add(later);
            later.finally(() => state.pending.delete(later));
          } else if (session.status === "open") await pay(session.id);
          res.writeHead(303, { location: session.success_url.replace("{CHECKOUT_SESSION_ID}", session.id) });
          return res.end();
        }
      }
      if (!/^Bearer sk_/.test(req.headers.authorization ?? ""))
        return reply(401, { error: { type: "invalid_request_error", message: "Invalid API Key provided" } });
      const found = route(req.method, url.pathname);
      const body = text ? parseStripeForm(text) : {};
      const idempotencyKey = req.headers["idempotency-key"];
      state.requests.push({ method: req.method, path: url.pathname, body, idempotencyKey });
      if (!found)
        return reply(404, {
          error: {
            type: "invalid_request_error",
            message: `Unrecognized request URL (${req.method}: ${url.pathname})`,
          },
        });
      const cacheKey = idempotencyKey && req.method === "POST" ? `${url.pathname} ${idempotencyKey}` : null;
      if (cacheKey && state.idempotent.has(cacheKey)) {
        const previous = state.idempotent.get(cacheKey);
        return reply(previous.status, previous.body, { "idempotent-replayed": "true" });
      }
      const answer = await found.handler(body, base, found.id);
      if (cacheKey) state.idempotent.set(cacheKey, answer);
      return reply(answer.status, answer.body);
    } catch (err) {
      return reply(500, { error: { type: "api_error", message: err instanceof Error ? err.message : String(err) } });
    }
  });
  await new Promise((resolve) => server.listen(port, host, resolve));
  const address = server.address();
  return {
    url: `http://${host}:${address.port}`,
    state,
    options,
    setWebhookTarget(next) {
      target = { ...target, ...next };
    },
    signedEvent,
    send,
    pay,
    asyncResult,
    expire,
    dispute,
    /** Waits until every event sent in the background has been answered. */
    async idle() {
      while (state.pending.size) await Promise.all([...state.pending]);
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
