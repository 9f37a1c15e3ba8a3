import { KEY_FILTERS } from "@/components/admin/money/filters";
import { KeysPage } from "@/components/admin/money/keys-page";
import { pickParams, type SearchParams } from "@/components/admin/search-params";

export const metadata = { title: "API keys · Admin · Tollgate" };

export default async function AdminKeysPage({ searchParams }: { searchParams: SearchParams }) {
  const initial = await pickParams(searchParams, KEY_FILTERS);
  // Keyed by the URL's filters: following a link to other filters starts the list afresh.
  return <KeysPage key={JSON.stringify(initial)} initial={initial} />;
}
