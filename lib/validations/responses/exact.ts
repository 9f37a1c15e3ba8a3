import type { Json } from "../json";

// Compile-time checks that a response schema describes exactly what the server answers: tsc
// (`npx tsc --noEmit`, part of the checks before every commit) fails on any difference.

/** What a lib function's result becomes as JSON (a route returns it as it is). */
export type Answer<F extends (...args: never[]) => unknown> = Json<Awaited<ReturnType<F>>>;

/** True only when A and B are the same type: not merely assignable, so an extra optional field counts too. */
export type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** Compiles only with `true`: `Expect<Equals<z.output<typeof schema>, Answer<typeof libFunction>>>`. */
export type Expect<T extends true> = T;

/** One level of an intersection made a plain object (`Omit<A, "x"> & { x: B }` compares as written out). */
export type Flat<T> = { [K in keyof T]: T[K] };

/** True when every member of the union U is T: one row type reached through two Prisma clients, say. */
export type EachEquals<U, T> = [U extends unknown ? Equals<U, T> : never] extends [true] ? true : false;

/**
 * Each member of T without the keys that can only be undefined: TypeScript gives object literals
 * returned side by side `x?: undefined` for each other's keys, and JSON never sends them.
 */
export type Sent<T> = T extends unknown ? { [K in keyof T as [T[K]] extends [undefined] ? never : K]: T[K] } : never;
