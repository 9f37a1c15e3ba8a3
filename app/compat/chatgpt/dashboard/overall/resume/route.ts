// POST /compat/chatgpt/dashboard/overall/resume – a written summary of the usage, by a model through the gateway.
import { parseBody } from "@/lib/api/body";
import { overallResume } from "@/lib/compat/chatgpt/dashboard";
import { withChatgptAdmin } from "@/lib/compat/chatgpt/handler";
import { chatgptResumeSchema } from "@/lib/compat/chatgpt/schemas";

export const POST = withChatgptAdmin(async ({ req, caller, requestId }) =>
  overallResume({ fields: await parseBody(req, chatgptResumeSchema), caller, requestId, signal: req.signal }),
);
