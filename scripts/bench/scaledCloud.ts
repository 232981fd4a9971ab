// The CloudStack client the bench hands the cluster provider. The provider's client polls async jobs
// on a real-time schedule (first poll after 250 ms, backing off to 5 s): against real CloudStack jobs
// of tens of seconds that is a small overhead, but under a simulator time scale of 0.02 a 20 s deploy
// lasts 400 ms and the fixed 250 ms poll would dominate the measurement. So the poll interval is
// (first and longest) scaled like every simulated duration, keeping the proportions of a real cloud. `--real-poll` turns
// this off and measures the provider's client exactly as shipped.
import { CloudStackClient } from "../../provider/cloudstack";
import type { CloudApi } from "../../provider/cluster/cloudApi";
import type { ResolvedConnection } from "../../provider/resources/common/connection";

/** The provider client's default longest poll interval and first poll (provider/cloudstack/options.ts). */
export const REAL_ASYNC_POLL_MS = 5_000;
export const REAL_ASYNC_FIRST_POLL_MS = 250;
/** The client's default budget: at most one poll per job per second. */
export const REAL_ASYNC_POLL_BUDGET_MS = 1000;

/** The poll interval that keeps a real cloud's proportions at a time scale; never below 1 ms. */
export function scaledPollMs(timeScale: number): number {
  return Math.max(1, Math.round(REAL_ASYNC_POLL_MS * timeScale));
}

/** The first poll, scaled the same way: a fixed 250 ms would be 12.5 simulated seconds at 0.02. */
export function scaledFirstPollMs(timeScale: number): number {
  return Math.max(1, Math.round(REAL_ASYNC_FIRST_POLL_MS * timeScale));
}

export function scaledCloudFactory(timeScale: number): (connection: ResolvedConnection) => CloudApi {
  const asyncPollMs = scaledPollMs(timeScale);
  const asyncPollInitialMs = scaledFirstPollMs(timeScale);
  const asyncPollBudgetMs = Math.max(1, Math.round(REAL_ASYNC_POLL_BUDGET_MS * timeScale));
  return (connection) => {
    const client = new CloudStackClient({
      apiUrl: connection.apiUrl,
      apiKey: connection.apiKey,
      secretKey: connection.secretKey,
      insecure: connection.insecure,
      caBundle: connection.caBundle,
      asyncPollMs,
      asyncPollInitialMs,
      asyncPollBudgetMs,
    });
    return {
      request: (command, params) => client.request<unknown>(command, params ?? {}),
      listAll: (command, params, entityKey) => client.listAll<unknown>(command, params, entityKey),
    };
  };
}
