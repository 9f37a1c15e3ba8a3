import { ModelsPage } from "@/components/admin/catalog/models-page";
import { pickParams, type SearchParams } from "@/components/admin/search-params";

export const metadata = { title: "Models & prices · Admin · Tollgate" };

export default async function AdminModelsPage({ searchParams }: { searchParams: SearchParams }) {
  const { provider_id } = await pickParams(searchParams, ["provider_id"]);
  return <ModelsPage key={provider_id} initialProviderId={provider_id} />;
}
