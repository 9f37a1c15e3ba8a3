// The audit log's URL filters, shared by the server page (which reads them) and the list.

export const AUDIT_FILTERS = ["q", "action", "target_type", "target_id", "actor_id"] as const;
export type AuditFilters = Record<(typeof AUDIT_FILTERS)[number], string>;
