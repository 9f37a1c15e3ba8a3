// Sizes the chat app accepts, shared by the browser (early checks) and the server (the real ones).
export const TITLE_MAX = 80;
export const MESSAGE_TEXT_MAX = 100_000;
export const IMAGE_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp"] as const;
export const IMAGE_MAX_BYTES = 5 * 1024 * 1024;
export const IMAGES_PER_MESSAGE = 4;
/** Four 5 MB images in base64 plus the text fit. */
export const CHAT_BODY_LIMIT = 30 * 1024 * 1024;
