// Starts the API front over HTTP around the fake cloud, with a fast clock.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createHash } from "node:crypto";
import { ApiFront } from "../../../simulator/api/front";
import { startApiServer, type ApiServer } from "../../../simulator/api/server";
import { AuditLog } from "../../../simulator/audit";
import { createClock } from "../../../simulator/clock";
import { FaultController } from "../../../simulator/faults";
import { ADMIN, createFakeCloud, type FakeCloud } from "./fakeCloud";

export interface Harness {
  server: ApiServer;
  front: ApiFront;
  audit: AuditLog;
  faults: FaultController;
  cloud: FakeCloud;
  isoBytes: Buffer;
  close(): Promise<void>;
}

export async function startHarness(opts: { strict?: boolean; seed?: number; faults?: string } = {}): Promise<Harness> {
  const clock = createClock({ scale: 0.002 });
  const audit = new AuditLog();
  const faults = new FaultController(opts.seed ?? 7, opts.faults);
  const cloud = createFakeCloud(clock);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sim-api-test-"));
  const isoBytes = Buffer.from("pretend this is an ISO 9660 image");
  const isoPath = path.join(dir, "cks-binaries-1.31.13.iso");
  fs.writeFileSync(isoPath, isoBytes);
  // The project's own tests run strict: a parameter our code sends that CloudStack does not know is a bug.
  const front = new ApiFront({ cloud, clock, audit, faults, strict: opts.strict ?? true });
  const server = await startApiServer({
    front,
    audit,
    faults,
    adminApiKey: ADMIN.apiKey,
    isos: [
      {
        version: "1.31.13",
        fileName: "cks-binaries-1.31.13.iso",
        path: isoPath,
        sha256: createHash("sha256").update(isoBytes).digest("hex"),
        size: isoBytes.length,
      },
    ],
  });
  return {
    server,
    front,
    audit,
    faults,
    cloud,
    isoBytes,
    close: async () => {
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
