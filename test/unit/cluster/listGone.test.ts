import { isUnresolvedIdError, listAllOrGone } from "../../../provider/cluster/listGone";
import type { CloudApi } from "../../../provider/cluster/cloudApi";

const ID = "0badc0de-0000-4000-8000-00000000dead";
const unresolved = (param: string, value: string) =>
  Object.assign(new Error("CloudStack listVirtualMachines failed (431)"), {
    errorcode: 431,
    errortext: `Unable to execute API command listvirtualmachines due to invalid value. Invalid parameter ${param} value=${value} due to incorrect long value format, or entity does not exist or due to incorrect parameter annotation for the field in api cmd class.`,
  });

function apiThrowing(err: unknown): CloudApi {
  return { request: async () => ({}), listAll: async () => Promise.reject(err) };
}

test("a 431 naming the id we filtered by means the entity is gone: no items", async () => {
  await expect(listAllOrGone(apiThrowing(unresolved("id", ID)), "listVirtualMachines", { id: ID, listall: true }, "virtualmachine")).resolves.toEqual([]);
});

test("a 431 about another parameter or value, or any other error, still fails", async () => {
  const other = unresolved("zoneid", ID);
  await expect(listAllOrGone(apiThrowing(other), "listVirtualMachines", { id: ID }, "virtualmachine")).rejects.toBe(other);
  expect(isUnresolvedIdError(unresolved("id", "another"), { id: ID })).toBe(false);
  const denied = Object.assign(new Error("x"), { errorcode: 531, errortext: "Invalid parameter id value=" + ID + " due to incorrect long value format, or entity does not exist" });
  expect(isUnresolvedIdError(denied, { id: ID })).toBe(false);
});

test("a successful list passes through", async () => {
  const api: CloudApi = { request: async () => ({}), listAll: async () => [{ id: ID }] };
  await expect(listAllOrGone(api, "listVirtualMachines", { id: ID }, "virtualmachine")).resolves.toEqual([{ id: ID }]);
});
