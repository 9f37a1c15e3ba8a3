import { pickParams, type SearchParams } from "@/components/admin/search-params";
import { AuditPage } from "@/components/admin/settings/audit-page";
import { AUDIT_FILTERS } from "@/components/admin/settings/filters";

export const metadata = { title: "Audit log · Admin · Tollgate" };

export default async function AdminAuditPage({ searchParams }: { searchParams: SearchParams }) {
  const initial = await pickParams(searchParams, AUDIT_FILTERS);
  // Keyed by the URL's filters: following a link to other filters starts the list afresh.
  return <AuditPage key={JSON.stringify(initial)} initial={initial} />;
}
