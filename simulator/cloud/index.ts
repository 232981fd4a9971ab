// The simulator's cloud model and command handlers (see simulator/contracts.ts for the Cloud contract).
export { createCloud } from "./cloud";
export { defaultSeed, SeedSchema, SEED_IDS, type Seed } from "./seed";
export { WorldSchema, type WorldSnapshot } from "./model";
