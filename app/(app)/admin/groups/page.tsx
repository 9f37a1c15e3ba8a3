import { GroupsPage } from "@/components/admin/people/groups-page";

export const metadata = { title: "Groups · Admin · Tollgate" };

export default function AdminGroupsPage() {
  return <GroupsPage />;
}
