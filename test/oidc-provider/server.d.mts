export declare const OIDC_CLIENT: { id: string; secret: string };
export declare const OIDC_ACCOUNTS: Record<
  string,
  { email: string; email_verified: boolean; name: string; groups: string[] }
>;
export declare function startOidcProvider(options: {
  redirectUris: string[];
}): Promise<{ issuer: string; close: () => Promise<void> }>;
