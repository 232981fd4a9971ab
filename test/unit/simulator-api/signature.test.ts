import { canonicalString, computeSignature, verifyRequest } from "../../../simulator/api/signature";
import { parseExpires } from "../../../simulator/api/expires";

// Reference §1.4 test vectors.
const API_KEY = "plgWJfZK4gyS3mOMTVmjUVg-X-jlWlnfaUJ9GAbBbf9EdM-kAYMmAiLqzzq1ElZLYq_u38zCm0bewzGUdP66mg";
const SECRET = "VDaACYb0LV9eNjTetIOElcVQkvJck_J_QljX_FcHRj87ZKiy0z0ty0ZsYBkoXkY9b7eq1EhwJaw7FF3akA3KBQ";
const K = API_KEY.toLowerCase();

const vectors: Array<[Record<string, string>, string]> = [
  [{ apikey: API_KEY, command: "listUsers", response: "json" }, "TTpdDq/7j/J58XCRHomKoQXEQds="],
  [
    { apiKey: API_KEY, command: "listZones", response: "json", signatureversion: "3", expires: "2030-01-01T00:00:00+0000", available: "true" },
    "L8AHhANcZcGhSwz/FsOb/vnFEYQ=",
  ],
  [
    {
      apiKey: API_KEY,
      command: "deployVirtualMachine",
      response: "json",
      signatureversion: "3",
      expires: "2030-01-01T00:00:00+0000",
      zoneid: "1d8d87d4-1425-459c-8d81-c6f57dca2bd2",
      serviceofferingid: "498ce071-a077-4237-9492-e55c42553327",
      templateid: "50459b99-5fe0-11ea-9a56-1e006800018c",
      displayname: "Web Server #1 (a*b) ~x! it's",
      userdata: "I2Nsb3VkLWNvbmZpZwpydW5jbWQ6CiAgLSBlY2hvICJoaSIgPj4gL3RtcC94Cg==",
      "details[0].cpuNumber": "2",
      "iptonetworklist[0].networkid": "87503ba2-d59d-4a5e-8f7f-b3f486cedbd8",
      "iptonetworklist[0].ip": "10.1.1.10",
      name: "web-1",
      keypairs: "k1,k2",
    },
    "NnElQyLNLlXqd6lGJwLEyLt5GTs=",
  ],
  [
    {
      apiKey: API_KEY,
      command: "listVirtualMachines",
      response: "json",
      "tags[0].key": "env",
      "tags[0].value": "prod/eu",
      keyword: "café ü",
      listall: "true",
    },
    "+JJ9a7EAUY7LBYQKyq8HlyHJZPA=",
  ],
];

describe("signature canonicalisation", () => {
  test.each(vectors.map((v, i) => [i + 1, ...v] as const))("vector %d", (_n, params, expected) => {
    expect(computeSignature(params, SECRET)).toBe(expected);
  });

  test("canonical strings match the reference", () => {
    expect(canonicalString(vectors[0][0])).toBe(`apikey=${K}&command=listusers&response=json`);
    expect(canonicalString({ ...vectors[3][0], signature: "ignored" })).toBe(
      `apikey=${K}&command=listvirtualmachines&keyword=caf%c3%a9%20%c3%bc&listall=true&response=json&tags[0].key=env&tags[0].value=prod%2feu`,
    );
  });

  test("names sort case-sensitively as sent", () => {
    expect(canonicalString({ templatefilter: "a", templateId: "b" })).toBe("templateid=b&templatefilter=a");
    expect(canonicalString({ templatefilter: "a", templateid: "b" })).toBe("templatefilter=a&templateid=b");
  });
});

describe("verifyRequest", () => {
  const lookup = (key: string) => (key === API_KEY ? { secretKey: SECRET, principal: "alice" } : undefined);
  const signed = (p: Record<string, string>) => ({ ...p, signature: computeSignature(p, SECRET) });
  const now = Date.UTC(2029, 0, 1);

  test("accepts the vectors and returns the principal", () => {
    for (const [params, sig] of vectors) expect(verifyRequest({ ...params, signature: sig }, lookup, now)).toEqual({ ok: true, principal: "alice" });
  });

  test("refuses with a reason", () => {
    const base = { apiKey: API_KEY, command: "listZones" };
    expect(verifyRequest({ ...signed(base), command: "listUsers" }, lookup, now)).toEqual({ ok: false, reason: "bad-signature" });
    expect(verifyRequest(base, lookup, now)).toEqual({ ok: false, reason: "no-signature" });
    expect(verifyRequest(signed({ command: "listZones" }), lookup, now)).toEqual({ ok: false, reason: "no-apikey" });
    expect(verifyRequest(signed({ ...base, apiKey: "other" }), lookup, now)).toEqual({ ok: false, reason: "unknown-apikey" });
    expect(verifyRequest(signed({ ...base, signatureversion: "3" }), lookup, now)).toEqual({ ok: false, reason: "no-expires" });
    expect(verifyRequest(signed({ ...base, signatureversion: "3", expires: "tomorrow" }), lookup, now)).toEqual({ ok: false, reason: "bad-expires" });
    expect(verifyRequest(signed({ ...base, signatureversion: "3", expires: "2028-12-31T23:59:59+0000" }), lookup, now)).toEqual({
      ok: false,
      reason: "expired",
    });
  });

  test("expires without signatureversion=3 is only signed, not enforced", () => {
    const p = signed({ apiKey: API_KEY, command: "listZones", expires: "2000-01-01T00:00:00+0000" });
    expect(verifyRequest(p, lookup, now).ok).toBe(true);
  });
});

describe("parseExpires (DateUtil.parseTZDateString formats)", () => {
  const t = Date.UTC(2030, 0, 1, 0, 0, 0);
  test.each([
    ["2030-01-01T00:00:00+0000", t],
    ["2030-01-01T00:00:00+00:00", t],
    ["2030-01-01T00:00:00Z", t],
    ["2030-01-01T01:30:00+0130", t],
    ["2029-12-31T22:00:00-02:00", t],
    ["2030-01-01T00:00:00.000000+0000", t],
    ["2030-01-01T00:00:00.250Z", t + 250],
    ["2030-01-01T00:00:00Z+0000", t],
  ])("%s", (text, expected) => {
    expect(parseExpires(text)).toBe(expected);
  });

  test.each(["2030-01-01", "2030-01-01 00:00:00", "2030-02-30T00:00:00Z", "2030-13-01T00:00:00Z", "1893456000000", ""])("rejects %j", (text) => {
    expect(parseExpires(text)).toBeUndefined();
  });
});
