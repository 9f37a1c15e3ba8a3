// The URL filters of the people lists, shared by the server page (which reads them) and the list.

export const USER_FILTERS = ["q", "role", "status", "group_id"] as const;
export type UserFilters = Record<(typeof USER_FILTERS)[number], string>;
