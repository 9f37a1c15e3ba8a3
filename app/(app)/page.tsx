import { requirePageUser } from "@/lib/auth/page-session";

export default async function HomePage() {
  const user = await requirePageUser();
  return (
    <section className="mx-auto max-w-2xl px-4 py-10" data-testid="app-shell">
      <h1 className="text-xl font-semibold">Hello{user.name ? `, ${user.name}` : ""}</h1>
      <p className="mt-2 text-zinc-600 dark:text-zinc-400">
        You are signed in as {user.email}. Call the OpenAI-compatible API at <code>/v1</code> with an API key.
      </p>
    </section>
  );
}
