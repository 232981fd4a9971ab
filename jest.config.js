/** Jest runs the TypeScript sources directly (ts-jest transpiles each file alone, as tsconfig's isolatedModules allows; `npm run typecheck` does the types). */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  testTimeout: 120000,
  maxWorkers: 2,
  // Integration tests start simulators with real listeners; give stray handles a moment, then exit.
  forceExit: true,
};
