// A key's expiry is picked as a date and means "valid through that day" in the admin's time zone.

/** "2026-01-31" → the ISO instant of 23:59:59 that day, local time; "" → null (never expires). */
export function expiryFromDate(date: string): string | null {
  return date ? new Date(`${date}T23:59:59`).toISOString() : null;
}

/** An ISO instant → "YYYY-MM-DD" in local time, for a date input. */
export function dateFromExpiry(iso: string | null): string {
  if (!iso) return "";
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Today as "YYYY-MM-DD" (local), the earliest expiry a date input offers. */
export const todayDate = () => dateFromExpiry(new Date().toISOString());
