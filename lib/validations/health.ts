import { z } from "zod";

// The answers of GET /api/health and GET /api/ready (lib/readiness.ts takes its type from here).
// Tests parse real answers with them.

export const healthSchema = z.object({
  status: z.enum(["ok", "draining", "error"]),
  db: z.enum(["ok", "unreachable"]),
  version: z.string(),
});

export const readinessDetailSchema = z.object({
  status: z.enum(["ready", "not_ready", "draining"]),
  db: z.enum(["ok", "unreachable"]),
  redis: z.enum(["ok", "unreachable", "not_configured"]),
  catalog: z.enum(["loaded", "loading"]).describe("loading until start-up's model discovery has finished"),
  providers: z.object({ reachable: z.number().int(), enabled: z.number().int() }),
  failing: z.array(z.enum(["db", "redis", "catalog", "providers"])).describe("The parts that are not ready"),
});

/** Anyone sees the status; the parts only an admin or the METRICS_TOKEN scraper. */
export const readinessSchema = readinessDetailSchema
  .partial()
  .required({ status: true })
  .describe(
    "status for everyone; db, redis, catalog, providers and failing for an admin or Authorization: Bearer $METRICS_TOKEN",
  );
