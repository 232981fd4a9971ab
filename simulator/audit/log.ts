// The audit log: every API call, every async job end and every node command, in order. Tests read it
// from code or over /admin/audit; with a file it is also appended as JSON lines for later inspection.
import * as fs from "node:fs";
import type { AuditRecord, AuditSink } from "../contracts";
import { redactParams } from "./redact";

export type AuditFilter =
  | ((record: AuditRecord) => boolean)
  | { kind?: AuditRecord["kind"]; command?: string; jobid?: string; node?: string };

export interface AuditLogOptions {
  /** Append every record as one JSON line to this file (created if missing). */
  file?: string;
}

export class AuditLog implements AuditSink {
  private readonly entries: AuditRecord[] = [];
  private fd: number | undefined;

  constructor(options: AuditLogOptions = {}) {
    if (options.file) this.fd = fs.openSync(options.file, "a");
  }

  record(entry: AuditRecord): void {
    // Params are redacted here too, so a record written by any part cannot leak a secret parameter.
    const safe: AuditRecord = entry.params ? { ...entry, params: redactParams(entry.params) } : { ...entry };
    this.entries.push(safe);
    // Synchronous append keeps the file in call order and complete even if the process is killed.
    if (this.fd !== undefined) fs.writeSync(this.fd, JSON.stringify(safe) + "\n");
  }

  records(filter?: AuditFilter): AuditRecord[] {
    if (!filter) return [...this.entries];
    if (typeof filter === "function") return this.entries.filter(filter);
    return this.entries.filter(
      (r) =>
        (filter.kind === undefined || r.kind === filter.kind) &&
        (filter.command === undefined || r.command === filter.command) &&
        (filter.jobid === undefined || r.jobid === filter.jobid) &&
        (filter.node === undefined || r.node === filter.node),
    );
  }

  clear(): void {
    this.entries.length = 0;
  }

  close(): void {
    if (this.fd !== undefined) {
      fs.closeSync(this.fd);
      this.fd = undefined;
    }
  }
}
