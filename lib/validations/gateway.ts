import { z } from "zod";

// Path parameters of the OpenAI-compatible routes that are not a wire format of their own.
export const modelIdParams = z.object({ id: z.string().min(1).max(256) });
