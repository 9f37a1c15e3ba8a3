import { pickParams, type SearchParams } from "@/components/admin/search-params";
import { THREAD_FILTERS } from "@/components/admin/traffic/filters";
import { ThreadsPage } from "@/components/admin/traffic/threads-page";

export const metadata = { title: "Threads · Admin · Tollgate" };

export default async function AdminThreadsPage({ searchParams }: { searchParams: SearchParams }) {
  const initial = await pickParams(searchParams, THREAD_FILTERS);
  // Keyed by the URL's filters: following a link to other filters starts the list afresh.
  return <ThreadsPage key={JSON.stringify(initial)} initial={initial} />;
}
