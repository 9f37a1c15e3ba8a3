import { PAYMENT_FILTERS } from "@/components/admin/money/filters";
import { PaymentsPage } from "@/components/admin/money/payments-page";
import { pickParams, type SearchParams } from "@/components/admin/search-params";

export const metadata = { title: "Payments · Admin · Tollgate" };

export default async function AdminPaymentsPage({ searchParams }: { searchParams: SearchParams }) {
  const initial = await pickParams(searchParams, PAYMENT_FILTERS);
  // Keyed by the URL's filters: following a link to other filters starts the list afresh.
  return <PaymentsPage key={JSON.stringify(initial)} initial={initial} />;
}
