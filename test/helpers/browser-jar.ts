// Follows a browser's redirects through real HTTP servers and in-process route handlers, keeping
// cookies per origin, for sign-in flows (OpenID Connect) that bounce between Tollgate and a provider.

export class CookieJar {
  private readonly byOrigin = new Map<string, Map<string, string>>();

  header(url: string): string {
    return [...(this.byOrigin.get(new URL(url).origin) ?? new Map()).entries()].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  take(url: string, res: Response): void {
    const origin = new URL(url).origin;
    const jar = this.byOrigin.get(origin) ?? new Map<string, string>();
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=thu, 01 jan 1970/i.test(a));
      if (expired || value === "") jar.delete(name);
      else jar.set(name, value);
    }
    this.byOrigin.set(origin, jar);
  }

  get(url: string, name: string): string | undefined {
    return this.byOrigin.get(new URL(url).origin)?.get(name);
  }
}

export type Hop = (req: Request) => Promise<Response>;

/** Sends a request like a browser: cookies from the jar, redirects followed; `local` serves Tollgate's own URLs in-process. */
export async function browse(
  jar: CookieJar,
  url: string,
  init: RequestInit,
  local: (url: URL) => Hop | null,
  maxHops = 15,
): Promise<{ url: string; res: Response }> {
  let current = url;
  let request: RequestInit = init;
  for (let hop = 0; hop < maxHops; hop++) {
    const headers = new Headers(request.headers);
    const cookie = jar.header(current);
    if (cookie) headers.set("cookie", cookie);
    const req = new Request(current, { ...request, headers, redirect: "manual" });
    const handler = local(new URL(current));
    const res = handler ? await handler(req) : await fetch(req);
    jar.take(current, res);
    const location = res.headers.get("location");
    if (res.status < 300 || res.status >= 400 || !location) return { url: current, res };
    current = new URL(location, current).toString();
    request = { method: "GET" };
  }
  throw new Error(`more than ${maxHops} redirects from ${url}`);
}

/** The `action` of the first form in an HTML page, resolved against the page's URL. */
export function formAction(html: string, pageUrl: string): string {
  const m = /<form[^>]*action="([^"]+)"/.exec(html);
  if (!m) throw new Error(`no form on ${pageUrl}`);
  return new URL(m[1].replace(/&amp;/g, "&"), pageUrl).toString();
}
