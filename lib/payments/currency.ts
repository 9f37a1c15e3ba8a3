import { MICROS_PER_UNIT } from "@/lib/billing/money";
import { AppError } from "@/lib/errors";

// Stripe counts money in a currency's minor unit (cents), balances are micro-units: both are integers,
// converted exactly. Currencies whose minor unit is not a hundredth, per Stripe's list.
const ZERO_DECIMAL = new Set([
  "bif",
  "clp",
  "djf",
  "gnf",
  "jpy",
  "kmf",
  "krw",
  "mga",
  "pyg",
  "rwf",
  "ugx",
  "vnd",
  "vuv",
  "xaf",
  "xof",
  "xpf",
]);
const THREE_DECIMAL = new Set(["bhd", "jod", "kwd", "omr", "tnd"]);

/** Digits after the decimal point in `currency`'s minor unit: 0 (JPY), 2 (USD) or 3 (KWD). */
export function minorUnitDigits(currency: string): number {
  const c = currency.toLowerCase();
  return ZERO_DECIMAL.has(c) ? 0 : THREE_DECIMAL.has(c) ? 3 : 2;
}

function microsPerMinor(currency: string): bigint {
  return MICROS_PER_UNIT / 10n ** BigInt(minorUnitDigits(currency));
}

export function minorToMicros(minor: bigint, currency: string): bigint {
  return minor * microsPerMinor(currency);
}

/** Micro-units as Stripe's integer amount; refuses an amount finer than the currency's minor unit. */
export function microsToMinorOrThrow(micros: bigint, currency: string, field: string): bigint {
  const per = microsPerMinor(currency);
  if (micros % per !== 0n) {
    const digits = minorUnitDigits(currency);
    throw new AppError(
      "validation_error",
      `${field}: ${currency.toUpperCase()} amounts have at most ${digits} decimal${digits === 1 ? "" : "s"}`,
      { param: field },
    );
  }
  return micros / per;
}

/** A Stripe amount (a JSON number) as a bigint, or null when it is not a non-negative safe integer. */
export function stripeAmount(value: unknown): bigint | null {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? BigInt(value) : null;
}
