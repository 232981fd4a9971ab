// Binaries ISOs for the simulator: tar/gzip, ISO 9660 writer and reader, the builder and the catalog.
export * from "./tar";
export * from "./isoWriter";
export { parseIsoImage, readIsoImage, isoVolumeId, type IsoImageEntry } from "./isoReader";
export * from "./manifest";
export * from "./componentVersions";
export * from "./standIns";
export * from "./builder";
export * from "./catalog";
