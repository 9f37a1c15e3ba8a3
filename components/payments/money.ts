// Money as the payments UI shows it: exact decimal text from the API with the currency code,
// trimmed to the currency's own decimals (never through a float).

export function formatAmount(value: string | null | undefined, currency = "usd", decimals = 2): string {
  if (value === null || value === undefined || value === "") return "—";
  const negative = value.startsWith("-");
  const [whole, frac = ""] = (negative ? value.slice(1) : value).split(".");
  const shown = frac.replace(/0+$/, "").padEnd(decimals, "0");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${negative ? "-" : ""}${grouped}${shown ? `.${shown}` : ""} ${currency.toUpperCase()}`;
}

export const stateLabel = {
  PENDING: "Pending",
  PAID: "Paid",
  FAILED: "Failed",
  REFUNDED: "Refunded",
  DISPUTED: "Disputed",
} as const;
export type PaymentStateName = keyof typeof stateLabel;
export const stateTone = { PENDING: "amber", PAID: "green", FAILED: "red", REFUNDED: "zinc", DISPUTED: "red" } as const;
