import { encodeValue } from "../../../provider/cloudstack/encoding";
import { unwrapEnvelope } from "../../../provider/cloudstack/envelope";
import { CloudStackError, CloudStackResponseError } from "../../../provider/cloudstack/errors";
import { httpMethodFor, responseKeyFor } from "../../../provider/cloudstack/commands";
import { collectPages } from "../../../provider/cloudstack/paging";
import { AsyncSubmitSchema } from "../../../provider/cloudstack/schemas/jobs";
import { retryAfterMs, retryDelay } from "../../../provider/cloudstack/timing";

const reply = (status: number, body: unknown) => ({ status, headers: {}, body: typeof body === "string" ? body : JSON.stringify(body) });

describe("encodeValue edge cases", () => {
  it("turns lone surrogates into U+FFFD like Java and Buffer do", () => {
    expect(encodeValue("a\uD800b")).toBe("a%EF%BF%BDb");
    expect(encodeValue("\uDC00")).toBe("%EF%BF%BD");
    expect(encodeValue("😀")).toBe("%F0%9F%98%80");
  });
});

describe("commands", () => {
  it("knows the mixed-case reset SSH key envelope", () => {
    expect(responseKeyFor("resetSSHKeyForVirtualMachine")).toBe("resetSSHKeyforvirtualmachineresponse");
    expect(responseKeyFor("listZones")).toBe("listzonesresponse");
  });

  it("GET only for read-only commands without large or secret values", () => {
    expect(httpMethodFor("listZones", {})).toBe("GET");
    expect(httpMethodFor("queryAsyncJobResult", { jobid: "j" })).toBe("GET");
    expect(httpMethodFor("getKubernetesClusterConfig", {})).toBe("GET");
    expect(httpMethodFor("listVirtualMachines", { userdata: "x" })).toBe("POST");
    expect(httpMethodFor("deleteTags", {})).toBe("POST");
    expect(httpMethodFor("createNetwork", {})).toBe("POST");
    // "listing" is not a list command name: the rule needs a word after the prefix.
    expect(httpMethodFor("list", {})).toBe("POST");
  });
});

describe("unwrapEnvelope", () => {
  it("uses errorresponse when the command's key is absent", () => {
    expect(() => unwrapEnvelope("foo", reply(432, { errorresponse: { errorcode: 432, errortext: "Unknown API command: foo" } }), [])).toThrow(
      CloudStackError,
    );
  });

  it("a 2xx body without the response key is a response error", () => {
    expect(() => unwrapEnvelope("listZones", reply(200, { other: {} }), [])).toThrow(CloudStackResponseError);
  });

  it("an error shape inside a 200 is still an error", () => {
    expect(() => unwrapEnvelope("listZones", reply(200, { listzonesresponse: { errorcode: 530, errortext: "boom" } }), [])).toThrow(/\(530\): boom/);
  });
});

describe("collectPages", () => {
  it("without count, stops at a short page", async () => {
    const pages = [[1, 2], [3]];
    const fetchPage = jest.fn(async (page: number) => ({ item: pages[page - 1] ?? [] }));
    await expect(collectPages(fetchPage, "item", 2)).resolves.toEqual([1, 2, 3]);
    expect(fetchPage).toHaveBeenCalledTimes(2);
  });

  it("accepts count as a string", async () => {
    const fetchPage = jest.fn(async (page: number) => ({ count: "3", item: page === 1 ? [1, 2] : [3] }));
    await expect(collectPages(fetchPage, "item", 2)).resolves.toEqual([1, 2, 3]);
    expect(fetchPage).toHaveBeenCalledTimes(2);
  });
});

describe("timing", () => {
  it("retryDelay doubles from the base, is capped, and jitters within ±20 %", () => {
    expect(retryDelay(0, 100, 10_000, () => 0.5)).toBe(100);
    expect(retryDelay(3, 100, 10_000, () => 0.5)).toBe(800);
    expect(retryDelay(20, 100, 10_000, () => 0.5)).toBe(10_000);
    expect(retryDelay(0, 100, 10_000, () => 0)).toBe(80);
    expect(retryDelay(0, 100, 10_000, () => 1)).toBe(120);
  });

  it("retryAfterMs reads delta seconds only", () => {
    expect(retryAfterMs("3")).toBe(3000);
    expect(retryAfterMs(["2"])).toBe(2000);
    expect(retryAfterMs("Wed, 21 Oct 2015 07:28:00 GMT")).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });
});

describe("AsyncSubmitSchema", () => {
  it("accepts {jobid} and {id, jobid}, with extra scalars", () => {
    expect(AsyncSubmitSchema.safeParse({ jobid: "j" }).success).toBe(true);
    expect(AsyncSubmitSchema.safeParse({ id: "vm", jobid: "j", uuidList: [] }).success).toBe(true);
    expect(AsyncSubmitSchema.safeParse({ id: "vm", jobid: "j", jobstatus: 0 }).success).toBe(true);
  });
  it("refuses responses that carry an entity or no job id", () => {
    expect(AsyncSubmitSchema.safeParse({ jobid: "j", virtualmachine: { id: "vm" } }).success).toBe(false);
    expect(AsyncSubmitSchema.safeParse({ count: 1, asyncjobs: [{ jobid: "j" }] }).success).toBe(false);
    expect(AsyncSubmitSchema.safeParse({ success: true }).success).toBe(false);
  });
});
