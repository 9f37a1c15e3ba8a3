"use client";

import Link from "next/link";
import { useEffect, useId, useLayoutEffect, useRef, useState } from "react";
import { StopRowClick } from "@/components/admin/ui";
import { ConfirmDialog } from "@/components/chat/dialog";

// A table row's actions behind one "⋯" button, so a row carrying three or four actions stays one
// line high. The menu follows the WAI-ARIA menu-button pattern: arrows, Home/End and the first
// letter move between items, Enter or Space picks one, Escape and Tab close it, as does a click
// outside. A destructive item still asks "are you sure?" before it acts.

export type RowAction = {
  label: string;
  testId?: string;
  disabled?: boolean;
  /** Why it is disabled (a tooltip). */
  title?: string;
} & (
  | { onSelect: () => void }
  | { href: string }
  | { danger: { title: string; message: React.ReactNode; confirmLabel?: string }; onConfirm: () => Promise<void> }
);

type Position = { top: number; right: number } | { bottom: number; right: number };

const itemClass =
  "block w-full whitespace-nowrap rounded-md px-3 py-1.5 text-left text-sm outline-none hover:bg-zinc-100 focus:bg-zinc-100 aria-disabled:cursor-not-allowed aria-disabled:opacity-50 dark:hover:bg-zinc-800 dark:focus:bg-zinc-800";

/** Below the button, or above it when the viewport has no room below; fixed, so a scrolling table never clips it. */
function placeMenu(button: HTMLElement, menuHeight: number): Position {
  const rect = button.getBoundingClientRect();
  const right = Math.max(8, window.innerWidth - rect.right);
  if (rect.bottom + 4 + menuHeight > window.innerHeight && rect.top - 4 - menuHeight > 0)
    return { bottom: window.innerHeight - rect.top + 4, right };
  return { top: rect.bottom + 4, right };
}

export function RowMenu(props: { label: string; actions: RowAction[]; testId?: string }) {
  const [open, setOpen] = useState(false);
  const [position, setPosition] = useState<Position | null>(null);
  // The destructive item being confirmed; kept after its dialog closes so the dialog closes natively
  // (handing the focus back to the "⋯" button) instead of vanishing with it.
  const [confirming, setConfirming] = useState<Extract<RowAction, { danger: unknown }> | null>(null);
  const [confirmOpen, setConfirmOpen] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  const menuId = useId();

  const items = () => [...(menuRef.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
  const focusItem = (index: number) => {
    const all = items();
    if (all.length) all[(index + all.length) % all.length].focus({ preventScroll: true });
  };
  const close = (returnFocus: boolean) => {
    setOpen(false);
    setPosition(null);
    if (returnFocus) buttonRef.current?.focus();
  };

  // Placed before paint, once the menu's height is known; the first item takes the focus once the
  // menu is placed (a hidden element cannot take it).
  useLayoutEffect(() => {
    if (!open || !buttonRef.current || !menuRef.current) return;
    setPosition(placeMenu(buttonRef.current, menuRef.current.offsetHeight));
  }, [open]);
  const placed = position !== null;
  useEffect(() => {
    if (open && placed) focusItem(0);
  }, [open, placed]);

  useEffect(() => {
    if (!open) return;
    const outside = (e: PointerEvent) => {
      const target = e.target as Node;
      if (!menuRef.current?.contains(target) && !buttonRef.current?.contains(target)) close(false);
    };
    const follow = () => {
      if (buttonRef.current && menuRef.current) setPosition(placeMenu(buttonRef.current, menuRef.current.offsetHeight));
    };
    document.addEventListener("pointerdown", outside);
    window.addEventListener("scroll", follow, true);
    window.addEventListener("resize", follow);
    return () => {
      document.removeEventListener("pointerdown", outside);
      window.removeEventListener("scroll", follow, true);
      window.removeEventListener("resize", follow);
    };
  }, [open]);

  function pick(action: RowAction) {
    if (action.disabled) return;
    close(!("href" in action));
    if ("danger" in action) {
      setConfirming(action);
      setConfirmOpen(true);
    } else if ("onSelect" in action) action.onSelect();
  }

  function onMenuKeyDown(e: React.KeyboardEvent) {
    const all = items();
    const current = all.indexOf(document.activeElement as HTMLElement);
    if (e.key === "ArrowDown") focusItem(current + 1);
    else if (e.key === "ArrowUp") focusItem(current - 1);
    else if (e.key === "Home") focusItem(0);
    else if (e.key === "End") focusItem(all.length - 1);
    else if (e.key === "Escape") close(true);
    else if (e.key === "Tab") close(true);
    else if (e.key.length === 1 && /\S/.test(e.key)) {
      const letter = e.key.toLowerCase();
      const order = [...all.slice(current + 1), ...all.slice(0, current + 1)];
      order.find((el) => el.textContent?.trim().toLowerCase().startsWith(letter))?.focus({ preventScroll: true });
    } else return;
    e.preventDefault();
  }

  return (
    <StopRowClick>
      <button
        ref={buttonRef}
        type="button"
        aria-label={props.label}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        data-testid={props.testId}
        onClick={() => (open ? close(false) : setOpen(true))}
        onKeyDown={(e) => {
          if (e.key === "ArrowDown" || e.key === "ArrowUp") {
            e.preventDefault();
            setOpen(true);
          }
        }}
        className="rounded-lg border border-zinc-300 px-2.5 py-1 text-sm leading-none hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
      >
        <span aria-hidden="true">⋯</span>
      </button>
      {open && (
        <div
          ref={menuRef}
          id={menuId}
          role="menu"
          aria-label={props.label}
          tabIndex={-1}
          onKeyDown={onMenuKeyDown}
          style={position ?? { top: 0, right: 0, visibility: "hidden" }}
          className="fixed z-40 min-w-40 rounded-lg border border-zinc-200 bg-white p-1 text-zinc-900 shadow-lg dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
        >
          {props.actions.map((action) =>
            "href" in action && !action.disabled ? (
              <Link
                key={action.label}
                href={action.href}
                role="menuitem"
                tabIndex={-1}
                data-testid={action.testId}
                onClick={() => pick(action)}
                className={itemClass}
              >
                {action.label}
              </Link>
            ) : (
              <button
                key={action.label}
                type="button"
                role="menuitem"
                tabIndex={-1}
                aria-disabled={action.disabled || undefined}
                title={action.title}
                data-testid={action.testId}
                onClick={() => pick(action)}
                className={`${itemClass} ${"danger" in action ? "text-red-700 dark:text-red-400" : ""}`}
              >
                {action.label}
              </button>
            ),
          )}
        </div>
      )}
      {confirming && (
        <ConfirmDialog
          open={confirmOpen}
          title={confirming.danger.title}
          message={confirming.danger.message}
          confirmLabel={confirming.danger.confirmLabel ?? confirming.label}
          onConfirm={confirming.onConfirm}
          onClose={() => setConfirmOpen(false)}
        />
      )}
    </StopRowClick>
  );
}
