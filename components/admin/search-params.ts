// Server pages hand a list page its first filters from the URL (`/admin/payments?user_id=…`).

export type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** The named query parameters as plain strings ("" when absent, the first value when repeated). */
export async function pickParams<K extends string>(
  searchParams: SearchParams,
  names: readonly K[],
): Promise<Record<K, string>> {
  const all = await searchParams;
  const picked = {} as Record<K, string>;
  for (const name of names) {
    const value = all[name];
    picked[name] = (Array.isArray(value) ? value[0] : value) ?? "";
  }
  return picked;
}
