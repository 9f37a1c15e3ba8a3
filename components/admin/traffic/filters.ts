// The URL query parameters each list page reads as its first filters. Kept outside the client
// components so the server pages can import them as plain values.

export const SESSION_FILTERS = ["q", "key_id", "user_id"] as const;
export type SessionFilters = Record<(typeof SESSION_FILTERS)[number], string>;

export const THREAD_FILTERS = ["q", "key_id", "session_id", "user_id", "model", "status", "from", "to"] as const;
export type ThreadFilters = Record<(typeof THREAD_FILTERS)[number], string>;

export const FLAG_FILTERS = ["q", "user_id"] as const;
export type FlagFilters = Record<(typeof FLAG_FILTERS)[number], string>;
