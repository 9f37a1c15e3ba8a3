// ANY /api/v1/* – a path the API does not have: 404 in OpenAI's error shape, never an HTML page.
import { withOpenAiErrors } from "@/lib/api/handler";
import { AppError } from "@/lib/errors";

export const dynamic = "force-dynamic";

const unknownPath = withOpenAiErrors<{ path?: string[] }>(async ({ req }) => {
  const path = new URL(req.url).pathname.slice(0, 200);
  throw new AppError("not_found", `Invalid URL (${req.method} ${path}): no such endpoint`);
});

export { unknownPath as GET, unknownPath as POST, unknownPath as PUT, unknownPath as PATCH, unknownPath as DELETE };
