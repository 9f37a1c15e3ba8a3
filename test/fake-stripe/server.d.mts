export type FakeObject = Record<string, unknown> & { id: string };

export interface FakeStripe {
  url: string;
  state: {
    customers: Map<string, FakeObject>;
    sessions: Map<
      string,
      FakeObject & {
        amount_total: number;
        currency: string;
        payment_intent: string | null;
        url: string;
        success_url: string;
      }
    >;
    intents: Map<string, FakeObject & { amount: number; latest_charge: string | null; payment_method: string | null }>;
    charges: Map<string, FakeObject & { amount: number; amount_refunded: number }>;
    refunds: Map<string, FakeObject>;
    requests: Array<{ method: string; path: string; body: Record<string, unknown>; idempotencyKey?: string }>;
    deliveries: Array<{ id: string; type: string; status: number }>;
  };
  options: { completeOnCreate: boolean; declineOffSession: boolean; payWebhookDelayMs: number };
  setWebhookTarget(next: { webhookUrl?: string; deliver?: (payload: string, header: string) => Promise<number> }): void;
  signedEvent(
    type: string,
    object: object,
    opts?: { id?: string; secret?: string; timestamp?: number },
  ): { event: { id: string }; payload: string; header: string };
  send(type: string, object: object, opts?: { id?: string; secret?: string; timestamp?: number }): Promise<number>;
  pay(sessionId: string, opts?: { paymentStatus?: "paid" | "unpaid" }): Promise<number>;
  asyncResult(sessionId: string, succeeded: boolean): Promise<number>;
  expire(sessionId: string): Promise<number>;
  dispute(paymentIntentId: string, amount?: number): Promise<number>;
  idle(): Promise<void>;
  close(): Promise<void>;
}

export function startFakeStripe(opts: {
  port?: number;
  host?: string;
  webhookSecret: string;
  payWebhookDelayMs?: number;
  webhookUrl?: string;
  deliver?: (payload: string, header: string) => Promise<number>;
}): Promise<FakeStripe>;
export function parseStripeForm(text: string): Record<string, unknown>;
