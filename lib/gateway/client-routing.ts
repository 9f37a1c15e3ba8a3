// Fields with which some gateways let a client pick the upstream. Tollgate never does; they are
// dropped so they do not even reach the provider.
const CLIENT_ROUTING_FIELDS = [
  "base_url",
  "api_base",
  "baseURL",
  "baseUrl",
  "api_key",
  "apiKey",
  "api_version",
  "custom_llm_provider",
  "endpoint",
  "url",
];

export function withoutClientRouting(body: Record<string, unknown>): Record<string, unknown> {
  const copy = { ...body };
  for (const f of CLIENT_ROUTING_FIELDS) delete copy[f];
  return copy;
}
