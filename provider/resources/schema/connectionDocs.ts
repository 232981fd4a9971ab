// Descriptions of the connection inputs every resource takes (schema.json and docs/api).
export const CONNECTION_DOCS: Record<string, string> = {
  apiUrl: "The CloudStack API endpoint, e.g. `https://cloud.example.com/client/api`. Default: `CLOUDSTACK_API_URL`.",
  apiKey: "The API key of the account to act as. Default: `CLOUDSTACK_API_KEY`.",
  secretKey: "The secret key that signs every request. Always stored as a secret, however it is passed. Default: `CLOUDSTACK_SECRET_KEY`.",
  insecure: "Skip TLS verification of the API endpoint (self-signed labs only).",
  caBundle: "A PEM CA bundle to trust for the API endpoint.",
};
