// The config drive CloudStack attaches when a network's UserData service is provided by ConfigDrive:
// an ISO 9660 image labelled config-2 with the OpenStack metadata layout (CloudStack
// engine/storage/configdrive ConfigDriveBuilder; cloud-init DataSourceConfigDrive reads
// openstack/latest/meta_data.json and user_data). It is iso9660 like the binaries ISO, which is why an
// installer must not take "the first iso9660 device" for the binaries.
import type { VmBootSpec } from "../contracts";

interface IsoWriterModule {
  writeIsoImage(files: { path: string; data: Buffer; mode?: number }[], options?: { volumeId?: string }): Buffer;
}

export const CONFIG_DRIVE_LABEL = "config-2";

export function buildConfigDrive(spec: VmBootSpec): Buffer {
  // Loaded lazily, as the node runtime loads the ISO reader: node/ does not depend on iso/ at import time.
  const iso = require("../iso") as IsoWriterModule;
  const meta = { uuid: spec.vmId, name: spec.name, hostname: spec.name, availability_zone: "zone1", public_keys: Object.fromEntries(spec.deployKeys.map((k, i) => [`key-${i}`, k])) };
  const files = [
    { path: "openstack/latest/meta_data.json", data: Buffer.from(JSON.stringify(meta)) },
    { path: "cloudstack/metadata/instance-id.txt", data: Buffer.from(spec.vmId) },
  ];
  if (spec.userData) files.push({ path: "openstack/latest/user_data", data: Buffer.from(spec.userData, "base64") });
  return iso.writeIsoImage(files, { volumeId: CONFIG_DRIVE_LABEL });
}
