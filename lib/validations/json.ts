// What JSON.stringify makes of a server value, as the browser receives it: a Date becomes ISO text.
// A bigint cannot be sent (lib/ turns money into decimal text first), so one left in a type is `never`.
export type Json<T> = T extends Date
  ? string
  : T extends bigint
    ? never
    : T extends string | number | boolean | null | undefined
      ? T
      : T extends readonly (infer U)[]
        ? Json<U>[]
        : T extends object
          ? { [K in keyof T]: Json<T[K]> }
          : T;
