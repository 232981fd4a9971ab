import { loadCommandTable } from "../../../simulator/api/commandTable";
import { checkParams } from "../../../simulator/api/params";
import { ApiError } from "../../../simulator/contracts";

const table = loadCommandTable();
const spec = (name: string) => {
  const s = table.get(name);
  if (!s) throw new Error(`no ${name} in commands.json`);
  return s;
};
const user = { strict: true, method: "POST" as const, isAdmin: false };
const U1 = "00000000-0000-4000-8000-000000000001";
const U2 = "00000000-0000-4000-8000-000000000002";

function errorOf(fn: () => void): ApiError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error("expected an ApiError");
}

test("the table has the added userdata commands with their real shapes", () => {
  expect(spec("registerUserData")).toMatchObject({ async: false, responseKey: "registeruserdataresponse", entityKey: "userdata" });
  expect(spec("listUserData")).toMatchObject({ isList: true, entityKey: "userdata" });
  expect(spec("deleteUserData").params.find((p) => p.name === "id")?.required).toBe(true);
  expect(spec("resetSSHKeyForVirtualMachine").responseKey).toBe("resetSSHKeyforvirtualmachineresponse");
});

test("a required map parameter is satisfied by its entries", () => {
  const base = { resourcetype: "UserVm", resourceids: U1 };
  expect(errorOf(() => checkParams(spec("createTags"), base, user)).errortext).toBe(
    "Unable to execute API command createtags due to missing parameter tags",
  );
  expect(() => checkParams(spec("createTags"), { ...base, "tags[0].key": "a", "tags[0].value": "b" }, user)).not.toThrow();
});

test("map syntax on a non-map parameter is unknown; empty required value counts as missing", () => {
  expect(errorOf(() => checkParams(spec("listZones"), { "name[0].x": "a" }, user)).errorcode).toBe(431);
  expect(errorOf(() => checkParams(spec("deleteSSHKeyPair"), { name: "" }, user)).errortext).toMatch(/missing parameter name/);
});

test("admin-only parameters are accepted from admins only", () => {
  const params = { zoneid: U1, serviceofferingid: U2, templateid: U1, podid: U2 };
  const adminOnly = spec("deployVirtualMachine").adminOnlyParams?.map((p) => p.name) ?? [];
  expect(adminOnly).toContain("podid");
  expect(() => checkParams(spec("deployVirtualMachine"), params, { ...user, isAdmin: true })).not.toThrow();
  expect(errorOf(() => checkParams(spec("deployVirtualMachine"), params, user)).errortext).toMatch(/Unknown parameters : podid/);
  expect(() => checkParams(spec("deployVirtualMachine"), params, { ...user, strict: false })).not.toThrow();
});

test("LIST of UUID checks every element; legacy numeric ids and -1 pass where the parameter predates UUIDs", () => {
  const base = { zoneid: U1, serviceofferingid: U2, templateid: U1 };
  expect(() => checkParams(spec("deployVirtualMachine"), { ...base, networkids: `${U1},${U2}` }, user)).not.toThrow();
  expect(errorOf(() => checkParams(spec("deployVirtualMachine"), { ...base, networkids: `${U1},nope` }, user)).errortext).toMatch(
    /Invalid parameter networkids/,
  );
  expect(() => checkParams(spec("registerIso"), { name: "i", url: "http://x/y.iso", zoneid: "-1" }, user)).not.toThrow();
});

test("paging rules", () => {
  const list = spec("listVirtualMachines");
  expect(() => checkParams(list, { page: "2", pagesize: "500" }, user)).not.toThrow();
  expect(() => checkParams(list, { pagesize: "-1" }, user)).not.toThrow();
  expect(errorOf(() => checkParams(list, { pagesize: "-1", page: "1" }, user)).errorcode).toBe(431);
  expect(errorOf(() => checkParams(list, { pagesize: "10" }, user)).errortext).toBe('"page" parameter is required when "pagesize" is specified');
  expect(errorOf(() => checkParams(list, { page: "1" }, user)).errortext).toBe('"pagesize" parameter is required when "page" is specified');
  expect(errorOf(() => checkParams(list, { page: "1", pagesize: "0" }, user)).errorcode).toBe(431);
});

test("userdata rules (§1.3): GET 4096, configured max, base64, URL-encoded values, non-empty", () => {
  const update = spec("updateVirtualMachine");
  const exactly4096 = "A".repeat(4096);
  expect(() => checkParams(update, { id: U1, userdata: exactly4096 }, { ...user, method: "GET" })).not.toThrow();
  expect(errorOf(() => checkParams(update, { id: U1, userdata: exactly4096 + "AAAA" }, { ...user, method: "GET" })).errortext).toMatch(/GET/);
  expect(errorOf(() => checkParams(update, { id: U1, userdata: "A".repeat(2000) }, { ...user, userDataMaxLength: 1000 })).errortext).toBe(
    "User data has exceeded configurable max length : 1000",
  );
  expect(() => checkParams(update, { id: U1, userdata: "aGk%3D" }, user)).not.toThrow();
  expect(errorOf(() => checkParams(update, { id: U1, userdata: "====" }, user)).errortext).toBe("User data is too short");
  // listVirtualMachines' `userdata` is a BOOLEAN flag, not content.
  expect(() => checkParams(spec("listVirtualMachines"), { userdata: "true" }, user)).not.toThrow();
});

test("declared maximum lengths are enforced", () => {
  const long = "x".repeat(1_048_577);
  expect(errorOf(() => checkParams(spec("registerCniConfiguration"), { name: "c", cniconfig: long }, user)).errortext).toBe(
    "Value greater than max allowed length 1048576 for param: cniconfig",
  );
});
