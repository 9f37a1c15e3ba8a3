import { pickParams, type SearchParams } from "@/components/admin/search-params";
import { SESSION_FILTERS } from "@/components/admin/traffic/filters";
import { SessionsPage } from "@/components/admin/traffic/sessions-page";

export const metadata = { title: "Sessions · Admin · Tollgate" };

export default async function AdminSessionsPage({ searchParams }: { searchParams: SearchParams }) {
  const initial = await pickParams(searchParams, SESSION_FILTERS);
  // Keyed by the URL's filters: following a link to other filters starts the list afresh.
  return <SessionsPage key={JSON.stringify(initial)} initial={initial} />;
}
