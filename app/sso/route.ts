// GET /sso – SSO handoff from a host application: ?token=<jwt> (or ?s=) &return_to=<path>; signs the user in and redirects.
import { ssoHandoff } from "@/lib/auth/sso-handoff";

export const dynamic = "force-dynamic";

export const GET = (req: Request) => ssoHandoff(req);
