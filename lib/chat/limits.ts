// Sizes the chat app accepts, shared by the browser (early checks) and the server (the real ones).
export const TITLE_MAX = 80;
export const MESSAGE_TEXT_MAX = 100_000;
export const IMAGE_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp"] as const;
export const IMAGE_MAX_BYTES = 5 * 1024 * 1024;
export const IMAGES_PER_MESSAGE = 4;
/** Files read as text on the server (their text is what the model gets). Code and other plain text travel as text/plain. */
export const DOCUMENT_TYPES = [
  "application/pdf",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "text/plain",
  "text/markdown",
  "text/csv",
] as const;
export const DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
/** The most files of any kind one message may carry (the chatFiles setting may allow fewer). */
export const FILES_PER_MESSAGE_MAX = 10;
/** Images and documents in base64 plus the text fit: the chatFiles setting allows at most five files of 6 MB. */
export const CHAT_BODY_LIMIT = 45 * 1024 * 1024;
