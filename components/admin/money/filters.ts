// The URL filters of the money lists, shared by the server pages (which read them) and the lists.

export const KEY_FILTERS = ["q", "user_id"] as const;
export type KeyFilters = Record<(typeof KEY_FILTERS)[number], string>;

export const PAYMENT_FILTERS = ["q", "key_id", "user_id"] as const;
export type PaymentFilters = Record<(typeof PAYMENT_FILTERS)[number], string>;
