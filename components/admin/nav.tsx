"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useState } from "react";
import { useModalDialog } from "@/components/chat/dialog";

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

const isActive = (href: string, path: string) =>
  href === "/admin" ? path === "/admin" : path === href || path.startsWith(`${href}/`);

function SectionLinks(props: { path: string; onNavigate?: () => void }) {
  return (
    <ul className="flex flex-col gap-1 p-2">
      {ADMIN_SECTIONS.map((s) => {
        const active = isActive(s.href, props.path);
        return (
          <li key={s.href}>
            <Link
              href={s.href}
              aria-current={active ? "page" : undefined}
              onClick={props.onNavigate}
              className={`block whitespace-nowrap rounded-lg px-3 py-1.5 text-sm ${active ? "bg-zinc-900 text-white dark:bg-zinc-100 dark:text-zinc-900" : "hover:bg-zinc-100 dark:hover:bg-zinc-800"}`}
            >
              {s.label}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}

/** The admin sections: a sidebar on wide screens; on phones a bar whose button opens them in a drawer. */
export function AdminNav() {
  const path = usePathname();
  return (
    <>
      <nav aria-label="Admin" className="hidden w-48 shrink-0 border-r border-zinc-200 md:block dark:border-zinc-800">
        <SectionLinks path={path} />
      </nav>
      <AdminDrawer path={path} />
    </>
  );
}

/**
 * Phones: the current section and a "Menu" button opening every section in a drawer from the left.
 * The drawer is a modal <dialog>: it takes the focus, keeps it inside, closes on Escape, on a tap
 * outside it and on navigation, and gives the focus back to the button.
 */
function AdminDrawer({ path }: { path: string }) {
  const [open, setOpen] = useState(false);
  const ref = useModalDialog(open);
  // Closes when the page changes, however the change came about (a link, back, forward).
  const [shownFor, setShownFor] = useState(path);
  if (shownFor !== path) {
    setShownFor(path);
    setOpen(false);
  }
  useEffect(() => {
    if (open) ref.current?.querySelector<HTMLElement>('[aria-current="page"]')?.focus();
  }, [open, ref]);
  const current = ADMIN_SECTIONS.find((s) => isActive(s.href, path))?.label ?? "Admin";
  return (
    <div className="flex items-center gap-2 border-b border-zinc-200 px-3 py-2 md:hidden dark:border-zinc-800">
      <button
        type="button"
        aria-haspopup="dialog"
        aria-expanded={open}
        data-testid="admin-nav-toggle"
        onClick={() => setOpen(true)}
        className="flex items-center gap-2 rounded-lg border border-zinc-300 px-3 py-1.5 text-sm hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
      >
        <span aria-hidden="true">☰</span> Admin menu
      </button>
      <span className="truncate text-sm font-medium" data-testid="admin-nav-current">
        {current}
      </span>
      <dialog
        ref={ref}
        aria-label="Admin sections"
        data-testid="admin-nav-drawer"
        onClose={() => setOpen(false)}
        // A click on the backdrop lands on the <dialog> itself, outside its content box.
        onClick={(e) => e.target === e.currentTarget && setOpen(false)}
        className="m-0 h-dvh max-h-none w-72 max-w-[85vw] overflow-y-auto border-r border-zinc-200 bg-white p-0 text-zinc-900 shadow-xl backdrop:bg-black/40 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
      >
        <div className="flex items-center justify-between border-b border-zinc-200 px-4 py-3 dark:border-zinc-800">
          <span className="font-medium">Admin</span>
          <button
            type="button"
            aria-label="Close the admin menu"
            data-testid="admin-nav-close"
            onClick={() => setOpen(false)}
            className="rounded-lg px-2 py-1 text-sm hover:bg-zinc-100 dark:hover:bg-zinc-800"
          >
            ✕
          </button>
        </div>
        <nav aria-label="Admin">
          <SectionLinks path={path} onNavigate={() => setOpen(false)} />
        </nav>
      </dialog>
    </div>
  );
}
