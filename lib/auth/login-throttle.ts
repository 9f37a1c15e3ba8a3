import "server-only";
import { AppError } from "@/lib/errors";
import { counterStore } from "./login-counters";

// Slows password guessing without handing anyone a way to lock a user out. Failures are counted
// per address, per account-and-address, and per account; once a counter has used up its free
// failures, the next attempt waits 5 s after the last failure, and each further failure doubles
// that (10 s, 20 s … up to 15 minutes):
//   - an address: 20 free failures across all accounts (one machine trying many accounts);
//   - an account from one address: 5 free failures;
//   - an account as a whole: 10 free failures, after which only the addresses that have failed
//     for it wait — an address that has not failed for the account signs in at once, so guesses
//     against the admin from elsewhere never keep the admin out.
// A success clears the account's counters for that address and the account-wide one. Counters
// fade after 15 minutes without a failure, and live in Redis when it is configured
// (lib/auth/login-counters.ts). Every sign-in path (JSON login, next-auth, tokens, HTTP Basic)
// goes through lib/auth/login.ts, which runs assertLoginAllowed, the password check and the record
// of its outcome as one turn per address (inTurnForAddress).

const FIRST_WAIT_MS = 5_000;
const MAX_WAIT_MS = 15 * 60_000;
const FREE = { address: 20, accountAddress: 5, account: 10 } as const;

export type LoginAttempt = { email: string; ip: string };

const keysOf = ({ email, ip }: LoginAttempt) => {
  const account = email.trim().toLowerCase();
  return { address: `ip:${ip}`, accountAddress: `aip:${account}\n${ip}`, account: `a:${account}` };
};

/** How long after its last failure a counter makes the next attempt wait (0 while free failures are left). */
export function backoffMs(failures: number, free: number): number {
  const over = failures - free;
  return over < 0 ? 0 : Math.min(MAX_WAIT_MS, FIRST_WAIT_MS * 2 ** Math.min(over, 20));
}

const waitMs = (c: { failures: number; lastAt: number } | undefined, free: number, now: number) =>
  c ? Math.max(0, c.lastAt + backoffMs(c.failures, free) - now) : 0;

/** Throws 429 (with Retry-After) while this address, or this account from this address, must wait. */
export async function assertLoginAllowed(attempt: LoginAttempt, now = Date.now()): Promise<void> {
  const k = keysOf(attempt);
  const [address, accountAddress, account] = await counterStore().read([k.address, k.accountAddress, k.account], now);
  const waits = [waitMs(address, FREE.address, now), waitMs(accountAddress, FREE.accountAddress, now)];
  // The account-wide back-off applies only to addresses that have themselves failed for this account.
  if (accountAddress) waits.push(waitMs(account, FREE.account, now));
  const wait = Math.max(...waits);
  if (wait > 0) {
    const seconds = Math.ceil(wait / 1000);
    throw new AppError(
      "rate_limited",
      `Too many failed sign-in attempts from this address; try again in ${seconds < 120 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`}`,
      {
        headers: { "retry-after": String(seconds) },
      },
    );
  }
}

// Guesses sent all at once would otherwise each read the counters before any of them had failed,
// and all be checked: a thousand parallel guesses instead of five. So an address's sign-ins run
// one after another on this instance (with several instances, at most one per instance at a time).
const turns = new Map<string, Promise<unknown>>();

/** Runs `check` once the address's earlier sign-in attempts on this instance have finished. */
export function inTurnForAddress<T>(ip: string, check: () => Promise<T>): Promise<T> {
  const mine = (turns.get(ip) ?? Promise.resolve()).then(check);
  const done = mine.then(
    () => undefined,
    () => undefined,
  );
  turns.set(ip, done);
  void done.then(() => {
    if (turns.get(ip) === done) turns.delete(ip);
  });
  return mine;
}

/** Counts a failed attempt against the address, the account from that address, and the account. */
export async function recordLoginFailure(attempt: LoginAttempt, now = Date.now()): Promise<void> {
  const k = keysOf(attempt);
  await counterStore().fail([k.address, k.accountAddress, k.account], now);
}

/** A right password: the account's counters for this address, and the account-wide one, start again. */
export async function recordLoginSuccess(attempt: LoginAttempt): Promise<void> {
  const k = keysOf(attempt);
  await counterStore().clear([k.accountAddress, k.account]);
}
