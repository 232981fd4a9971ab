// One shared AbortSignal across many concurrent waits must not collect one listener per wait
// (Node's MaxListenersExceededWarning from 11 on), and every wait must still end on abort.
import { getEventListeners } from "node:events";
import { CloudStackClient } from "../../../provider/cloudstack";
import { watchAbort } from "../../../provider/cloudstack/abort";
import { CloudStackAbortError } from "../../../provider/cloudstack/errors";
import { sleep } from "../../../provider/cloudstack/timing";
import { FakeCloudStack, TEST_API_KEY, TEST_SECRET } from "./fake-cloudstack";

describe("waits on a shared AbortSignal", () => {
  it("25 concurrent sleeps add at most one abort listener and all reject on abort", async () => {
    const controller = new AbortController();
    const sleeps = Array.from({ length: 25 }, () => sleep(60_000, controller.signal));
    expect(getEventListeners(controller.signal, "abort").length).toBeLessThanOrEqual(1);
    controller.abort();
    const outcomes = await Promise.allSettled(sleeps);
    expect(outcomes.every((o) => o.status === "rejected")).toBe(true);
  });

  it("a wait that ended is no longer woken, and stopping one wait leaves the others", () => {
    const controller = new AbortController();
    const woken: string[] = [];
    const stopA = watchAbort(controller.signal, () => woken.push("a"));
    watchAbort(controller.signal, () => woken.push("b"));
    stopA();
    controller.abort();
    expect(woken).toEqual(["b"]);
  });

  it("25 concurrent requests on one signal add at most one listener; abort ends them all", async () => {
    const fake = await FakeCloudStack.start();
    fake.handler = () => new Promise(() => undefined); // never answers
    const client = new CloudStackClient({ apiUrl: fake.url, apiKey: TEST_API_KEY, secretKey: TEST_SECRET, retries: 0 });
    try {
      const controller = new AbortController();
      const calls = Array.from({ length: 25 }, (_, i) => client.listZones({ name: `z${i}` }, { signal: controller.signal }));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(getEventListeners(controller.signal, "abort").length).toBeLessThanOrEqual(1);
      controller.abort();
      const outcomes = await Promise.allSettled(calls);
      expect(outcomes.every((o) => o.status === "rejected" && o.reason instanceof CloudStackAbortError)).toBe(true);
    } finally {
      client.close();
      await fake.stop();
    }
  });
});
