// The path of the page being rendered, handed from proxy.ts to server components in a request
// header, so a page that needs a session can send the browser to sign in and back to where it was.
// proxy.ts always overwrites it, so a client cannot choose it; it is still checked as a path.

export const PAGE_PATH_HEADER = "x-tollgate-page-path";

/** `value` when it is a path on this server (`/admin/keys?page=2`), else "/". */
export function pagePathOrRoot(value: string | null | undefined): string {
  if (!value || !value.startsWith("/") || value.startsWith("//") || value.includes("\\")) return "/";
  if (value.length > 2048) return "/";
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return "/";
  }
  return value;
}
