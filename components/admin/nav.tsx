"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

export const ADMIN_SECTIONS = [
  { href: "/admin", label: "Overview" },
  { href: "/admin/users", label: "Users" },
  { href: "/admin/groups", label: "Groups" },
  { href: "/admin/keys", label: "API keys" },
  { href: "/admin/payments", label: "Payments" },
  { href: "/admin/sessions", label: "Sessions" },
  { href: "/admin/threads", label: "Threads" },
  { href: "/admin/models", label: "Models & prices" },
  { href: "/admin/providers", label: "Providers" },
  { href: "/admin/ollama", label: "Ollama" },
  { href: "/admin/usage", label: "Usage" },
  { href: "/admin/flags", label: "Flagged" },
  { href: "/admin/logs", label: "Logs" },
  { href: "/admin/settings", label: "Settings" },
  { href: "/admin/audit", label: "Audit log" },
] as const;

/** The admin sections: a sidebar on wide screens, a scrolling strip on phones. */
export function AdminNav() {
  const path = usePathname();
  return (
    <nav
      aria-label="Admin"
      className="shrink-0 border-zinc-200 max-md:border-b md:w-48 md:border-r dark:border-zinc-800"
    >
      <ul className="flex gap-1 overflow-x-auto p-2 md:flex-col md:overflow-visible">
        {ADMIN_SECTIONS.map((s) => {
          const active = s.href === "/admin" ? path === "/admin" : path === s.href || path.startsWith(`${s.href}/`);
          return (
            <li key={s.href}>
              <Link
                href={s.href}
                aria-current={active ? "page" : undefined}
                className={`block whitespace-nowrap rounded-lg px-3 py-1.5 text-sm ${active ? "bg-zinc-900 text-white dark:bg-zinc-100 dark:text-zinc-900" : "hover:bg-zinc-100 dark:hover:bg-zinc-800"}`}
              >
                {s.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
