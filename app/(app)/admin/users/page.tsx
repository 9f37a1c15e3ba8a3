import { USER_FILTERS } from "@/components/admin/people/filters";
import { UsersPage } from "@/components/admin/people/users-page";
import { pickParams, type SearchParams } from "@/components/admin/search-params";

export const metadata = { title: "Users · Admin · Tollgate" };

export default async function AdminUsersPage({ searchParams }: { searchParams: SearchParams }) {
  const initial = await pickParams(searchParams, USER_FILTERS);
  // Keyed by the URL's filters: following a link to other filters starts the list afresh.
  return <UsersPage key={JSON.stringify(initial)} initial={initial} />;
}
