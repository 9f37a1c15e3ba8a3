import { OllamaPage } from "@/components/admin/catalog/ollama-page";

export const metadata = { title: "Ollama · Admin · Tollgate" };

export default function AdminOllamaPage() {
  return <OllamaPage />;
}
