// Money is integer micro-units (1 USD = 1,000,000) held in BigInt; never a JS float.
export const MICROS_PER_UNIT = 1_000_000n;

const AMOUNT = /^(-)?(\d{1,12})(?:\.(\d{1,6}))?$/;

/** "12.5" → 12_500_000n. Rejects floats beyond 6 decimals, exponents, NaN, Infinity and huge values. */
export function parseMoney(text: string): bigint | null {
  const m = AMOUNT.exec(text.trim());
  if (!m) return null;
  const micros = BigInt(m[2]) * MICROS_PER_UNIT + BigInt((m[3] ?? "").padEnd(6, "0") || "0");
  return m[1] ? -micros : micros;
}

export function formatMoney(micros: bigint): string {
  const negative = micros < 0n;
  const abs = negative ? -micros : micros;
  const whole = abs / MICROS_PER_UNIT;
  const frac = (abs % MICROS_PER_UNIT).toString().padStart(6, "0");
  return `${negative ? "-" : ""}${whole}.${frac}`;
}

/** "$0.003", "$12.50", "-$1.25", "$0.000125": the currency symbol, at least the cents, no zeros beyond. For people, never for parsing. */
export function displayMoney(value: bigint | string): string {
  const text = typeof value === "bigint" ? formatMoney(value) : value;
  const negative = text.startsWith("-");
  const [whole, frac = ""] = (negative ? text.slice(1) : text).split(".");
  const digits = frac.replace(/0+$/, "").padEnd(2, "0");
  return `${negative ? "-" : ""}$${whole}.${digits}`;
}

/** a × b / d rounded up, in BigInt. */
export function mulDivCeil(a: bigint, b: bigint, d: bigint): bigint {
  const p = a * b;
  return p === 0n ? 0n : (p + d - 1n) / d;
}
