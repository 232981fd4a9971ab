export { AuditLog, type AuditFilter, type AuditLogOptions } from "./log";
export { redactParams, isSecretParam, REDACTED } from "./redact";
