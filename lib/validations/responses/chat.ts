import { z } from "zod";
import type { setMessageFlagOrThrow } from "@/lib/chat/messages";
import type { lastChatModel, renameSessionOrThrow } from "@/lib/chat/sessions";
import type { shareSessionOrThrow, shareStatusOrThrow } from "@/lib/chat/share";
import type { listModelsForCaller } from "@/lib/gateway/models";
import { timestamp } from "./common";
import type { Answer, Equals, Expect } from "./exact";
import { modelObject } from "./gateway";
import { ownSessionItem } from "./history";

// What the chat page's JSON routes answer (the chat turn itself is a stream).

export const chatModelsResponse = z.object({
  models: z.array(modelObject),
  lastModel: z.string().nullable().describe("The model of the caller's newest chat, to preselect"),
});

export const renamedSessionResponse = z.object({ session: ownSessionItem });
export const branchSwitchedResponse = z.object({ ok: z.literal(true) });

export const messageFlagResponse = z.object({
  message: z.object({
    id: z.string(),
    flagged: z.boolean(),
    flagReason: z.string().nullable(),
    flaggedAt: timestamp.nullable(),
  }),
});

export const shareStatusResponse = z.object({ shared: z.boolean(), sharedAt: timestamp.nullable() });
export const shareCreatedResponse = z.object({
  token: z.string(),
  path: z.string().describe("The read-only page: shown in this answer only"),
  sharedAt: timestamp,
});

// Each schema is exactly what its lib functions answer (tsc fails otherwise).
type _Exact = [
  Expect<
    Equals<
      z.output<typeof chatModelsResponse>,
      { models: Answer<typeof listModelsForCaller>; lastModel: Answer<typeof lastChatModel> }
    >
  >,
  Expect<Equals<z.output<typeof renamedSessionResponse>, { session: Answer<typeof renameSessionOrThrow> }>>,
  Expect<Equals<z.output<typeof messageFlagResponse>, { message: Answer<typeof setMessageFlagOrThrow> }>>,
  Expect<Equals<z.output<typeof shareStatusResponse>, Answer<typeof shareStatusOrThrow>>>,
  Expect<Equals<z.output<typeof shareCreatedResponse>, Answer<typeof shareSessionOrThrow>>>,
];
