import "server-only";
import { formatMoney } from "@/lib/billing/money";
import { config } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { getSettingsCached } from "@/lib/settings";
import { minorUnitDigits } from "./currency";
import type { PaymentProvider } from "./provider";
import { stripeProvider } from "./stripe";

// Payments exist only when both Stripe secrets are set; otherwise every payment route is a 404
// and balances change only through administrators, as before.

export function paymentsEnabled(): boolean {
  const cfg = config();
  return Boolean(cfg.STRIPE_SECRET_KEY && cfg.STRIPE_WEBHOOK_SECRET);
}

export function paymentProviderOrThrow(): PaymentProvider {
  if (!paymentsEnabled()) throw new AppError("not_found", "Payments are not enabled on this server");
  return stripeProvider;
}

export function paymentCurrency(): string {
  return config().STRIPE_CURRENCY;
}

export type PaymentBounds = { minimum: bigint; maximum: bigint; presets: bigint[] };

export async function getPaymentBounds(): Promise<PaymentBounds> {
  const b = (await getSettingsCached()).paymentBounds;
  return { minimum: BigInt(b.minimum), maximum: BigInt(b.maximum), presets: b.presets.map(BigInt) };
}

/** What the "Add credit" dialog needs: whether it shows at all, the currency and the bounds. */
export async function getPaymentOptions() {
  if (!paymentsEnabled()) return { enabled: false as const };
  const b = await getPaymentBounds();
  const currency = paymentCurrency();
  return {
    enabled: true as const,
    currency,
    decimals: minorUnitDigits(currency),
    minimum: formatMoney(b.minimum),
    maximum: formatMoney(b.maximum),
    presets: b.presets.filter((p) => p >= b.minimum && p <= b.maximum).map(formatMoney),
  };
}
