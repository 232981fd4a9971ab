export * from "./common";
export * from "./catalog";
export * from "./vm";
export * from "./network";
export * from "./access";
export * from "./jobs";
export * from "./vpc";
export * from "./affinity";
