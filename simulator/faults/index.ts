export { FaultController, type FaultState, type InjectedError } from "./controller";
export { RequestWindow } from "./throttle";
export {
  parseFaultSpec,
  toFaultSpec,
  formatFaultSpec,
  faultSpecSchema,
  FaultSpecError,
  KNOWN_FAULTS,
  type FaultRule,
  type FaultSpec,
  type FaultSpecInput,
} from "./spec";
export { keyedDraw, mulberry32, hashString } from "./random";
