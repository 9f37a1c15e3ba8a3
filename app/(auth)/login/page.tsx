import { AuthForm } from "@/components/auth/auth-form";
import { config } from "@/lib/config";

export const metadata = { title: "Sign in · Tollgate" };
export const dynamic = "force-dynamic";

type Search = { return_to?: string; callbackUrl?: string; error?: string };

// next-auth sends a refused OpenID Connect sign-in back here with ?error=<code or our message>.
function errorText(error: string | undefined): string | null {
  if (!error) return null;
  if (error.startsWith("Sign-in refused:")) return error.slice(0, 300);
  return error === "OAuthCallback" || error === "OAuthSignin" || error === "Callback"
    ? "The single sign-on answer could not be verified; start the sign-in again."
    : "Sign-in failed; try again.";
}

export default async function LoginPage({ searchParams }: { searchParams: Promise<Search> }) {
  const search = await searchParams;
  const cfg = config();
  const callback = search.callbackUrl ? new URL(search.callbackUrl, "http://x").pathname : null;
  return (
    <AuthForm
      mode="login"
      passwordLogin={cfg.PASSWORD_LOGIN}
      oidcName={cfg.OIDC_ISSUER ? cfg.OIDC_NAME : null}
      initialError={errorText(search.error)}
      returnTo={search.return_to ?? callback}
    />
  );
}
