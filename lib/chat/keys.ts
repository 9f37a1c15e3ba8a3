import "server-only";
import type { z } from "zod";
import { AppError } from "@/lib/errors";
import { createApiKey } from "@/lib/keys/service";
import { findModel } from "@/lib/providers/catalog";
import type { createKeySchema } from "@/lib/validations/chat";

/** A key a user makes for themselves in Settings: always a USER key, limited to models that exist. */
export async function createOwnKey(userId: string, input: z.infer<typeof createKeySchema>) {
  for (const model of input.allowedModels) {
    if (!(await findModel(model)))
      throw new AppError("validation_error", `allowedModels: the model '${model.slice(0, 128)}' does not exist`, {
        param: "allowedModels",
      });
  }
  return createApiKey({
    userId,
    name: input.name,
    role: "USER",
    expiresAt: input.expiresAt ? new Date(input.expiresAt) : null,
    allowedModels: [...new Set(input.allowedModels)],
  });
}
