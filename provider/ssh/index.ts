// provider/ssh: sessions to cluster nodes (see docs/internal-contracts.md).
export * from "./errors";
export * from "./keys";
export * from "./redact";
export * from "./session";
