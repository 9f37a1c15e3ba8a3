import "server-only";
import { bearerFrom, sameSecret } from "@/lib/auth/api-keys";
import { requireAdmin, resolveCallerOrThrow } from "@/lib/auth/caller";
import { config } from "@/lib/config";

/**
 * A Prometheus scraper sends `Authorization: Bearer $METRICS_TOKEN`; anyone else must be an admin
 * (session, admin key or ADMIN_API_KEY). Throws 401/403 like every other admin endpoint.
 */
export async function authorizeMetricsScrapeOrThrow(req: Request): Promise<void> {
  const token = config().METRICS_TOKEN;
  const bearer = bearerFrom(req.headers);
  if (token && bearer && sameSecret(bearer, token)) return;
  requireAdmin(await resolveCallerOrThrow(req));
}

/** The same check, as a yes/no: may this request read operational details (readiness parts)? */
export async function isMetricsReader(req: Request): Promise<boolean> {
  if (!req.headers.has("authorization") && !req.headers.has("x-api-key") && !req.headers.has("cookie")) return false;
  return authorizeMetricsScrapeOrThrow(req).then(
    () => true,
    () => false,
  );
}
