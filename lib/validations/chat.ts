import { z } from "zod";
import {
  DOCUMENT_TYPES,
  FILES_PER_MESSAGE_MAX,
  IMAGE_TYPES,
  IMAGES_PER_MESSAGE,
  MESSAGE_TEXT_MAX,
  TITLE_MAX,
} from "@/lib/chat/limits";

// Input of the chat app's routes, shared by its forms (client) and its route handlers (server).

const id = z
  .string()
  .min(1, "is required")
  .max(64)
  .regex(/^[\w-]+$/, "must be an id");

const textPart = z.object({
  type: z.literal("text"),
  text: z.string().max(MESSAGE_TEXT_MAX, `must be at most ${MESSAGE_TEXT_MAX} characters`),
});
const filePart = z.object({
  type: z.literal("file"),
  mediaType: z.enum([...IMAGE_TYPES, ...DOCUMENT_TYPES], {
    message:
      "only images (PNG, JPEG, GIF, WebP), PDF, Word (DOCX) and text files (plain text, Markdown, CSV, code) can be attached",
  }),
  filename: z.string().max(255).optional(),
  url: z.string().startsWith("data:", "must be a data: URL"),
});

export const userMessageSchema = z.object({
  id,
  role: z.literal("user"),
  parts: z
    .array(z.discriminatedUnion("type", [textPart, filePart]))
    .min(1, "must not be empty")
    .max(FILES_PER_MESSAGE_MAX + 4)
    .refine(
      (parts) =>
        parts.filter((p) => p.type === "file" && p.mediaType.startsWith("image/")).length <= IMAGES_PER_MESSAGE,
      `at most ${IMAGES_PER_MESSAGE} images per message`,
    )
    .refine(
      (parts) => parts.some((p) => (p.type === "text" && p.text.trim() !== "") || p.type === "file"),
      "must contain text or an image",
    ),
});

/**
 * submit: a new user message after the message shown last; edit: a new version of any of your
 * messages (`message.id` names it), a branch beside it; regenerate: a new answer to the question of
 * `messageId` (an answer, or a question left unanswered), or to the last question shown.
 */
export const chatRequestSchema = z
  .object({
    sessionId: id.nullish(),
    model: z.string().min(1, "is required").max(256),
    action: z.enum(["submit", "edit", "regenerate"]).default("submit"),
    message: userMessageSchema.optional(),
    messageId: id.optional(),
  })
  .refine((b) => b.action === "regenerate" || b.message, { message: "is required", path: ["message"] })
  .refine((b) => b.action === "submit" || b.sessionId, {
    message: "is required to edit or regenerate",
    path: ["sessionId"],
  });

export type ChatRequest = z.infer<typeof chatRequestSchema>;
export type UserMessageInput = z.infer<typeof userMessageSchema>;

export const renameSessionSchema = z.object({
  title: z.string().trim().min(1, "must not be empty").max(TITLE_MAX, `must be at most ${TITLE_MAX} characters`),
});

export const flagMessageSchema = z.object({
  reason: z
    .string()
    .trim()
    .max(500, "must be at most 500 characters")
    .optional()
    .transform((r) => r || null),
});

export const createKeySchema = z
  .object({
    name: z.string().trim().min(1, "is required").max(100, "must be at most 100 characters"),
    expiresAt: z.iso.datetime({ offset: true, message: "must be a date and time" }).nullish(),
    allowedModels: z.array(z.string().min(1).max(128)).max(100).default([]),
  })
  .strict();

const day = z.iso.date({ message: "must be a date like 2025-01-31" });
export const usageQuerySchema = z.object({ from: day.optional(), to: day.optional() });

export const switchBranchSchema = z.object({ messageId: id }).strict();

export const exportQuerySchema = z.object({
  format: z.enum(["markdown", "json"], { message: "must be markdown or json" }).default("markdown"),
});
