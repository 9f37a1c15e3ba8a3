// The part of madge's API the tests use (the package ships no types).
declare module "madge" {
  type Options = { tsConfig?: string; fileExtensions?: string[]; excludeRegExp?: RegExp[] };
  type Result = { obj(): Record<string, string[]>; circular(): string[][] };
  export default function madge(paths: string | string[], options?: Options): Promise<Result>;
}
