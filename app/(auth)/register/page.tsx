import { AuthForm } from "@/components/auth/auth-form";
import { config } from "@/lib/config";

export const metadata = { title: "Create account · Tollgate" };
export const dynamic = "force-dynamic";

export default function RegisterPage() {
  const cfg = config();
  return (
    <AuthForm mode="register" passwordLogin={cfg.PASSWORD_LOGIN} oidcName={cfg.OIDC_ISSUER ? cfg.OIDC_NAME : null} />
  );
}
