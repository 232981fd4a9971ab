// The simulator's API front: HTTP server, signature checks, parameter checks, envelopes, async jobs.
export { ApiFront, type ApiFrontOptions, type ApiRequest, type ApiReply } from "./front";
export { startApiServer, type ApiServer, type ApiServerOptions, type IsoFile } from "./server";
export { JobEngine, jobView, type Job } from "./jobs";
export { loadCommandTable, type CommandSpec, type CommandTable, type ParamSpec } from "./commandTable";
export { canonicalString, computeSignature, javaUrlEncode, verifyRequest } from "./signature";
export { parseExpires } from "./expires";
export { checkParams, MAX_PAGE_SIZE } from "./params";
export {
  startSimulatorWith,
  readSeedFile,
  type KeyPair,
  type LoadedSeed,
  type SimulatorParts,
  type SimulatorOptions,
  type Simulator,
  type IsoIndexEntry,
} from "./assemble";
export { loadSeed } from "./seedKeys";
