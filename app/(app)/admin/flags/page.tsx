import { pickParams, type SearchParams } from "@/components/admin/search-params";
import { FLAG_FILTERS } from "@/components/admin/traffic/filters";
import { FlagsPage } from "@/components/admin/traffic/flags-page";

export const metadata = { title: "Flagged messages · Admin · Tollgate" };

export default async function AdminFlagsPage({ searchParams }: { searchParams: SearchParams }) {
  const initial = await pickParams(searchParams, FLAG_FILTERS);
  return <FlagsPage key={JSON.stringify(initial)} initial={initial} />;
}
