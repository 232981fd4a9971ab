// Part merging as cloudinit/handlers/cloud_config.py and cloudinit/mergers/ do it. Real cloud-init's
// merge of the same inputs is compared in test/system/cloud-init-yaml.test.ts.
import { type ConfigPart, mergeParts, stringExtractMergers } from "../../../simulator/node/cloudinit/merge";

const part = (config: Record<string, unknown> | undefined, mergeType = "", i = 1): ConfigPart => ({ config, headers: mergeType ? { "merge-type": mergeType } : {}, filename: `part-${i}` });

describe("mergeParts", () => {
  const a = { runcmd: ["a"], hostname: "one", nested: { k: [1] } };
  const b = { runcmd: ["b"], hostname: "two", nested: { k: [2], n: 1 } };

  it("default dict(replace)+list()+str(): a later part's keys replace", () => {
    expect(mergeParts([part(a), part(b)]).config).toEqual(b);
  });

  it("list(append)+dict(no_replace,recurse_list)+str(): lists append, existing scalars stay", () => {
    const h = "list(append)+dict(no_replace,recurse_list)+str()";
    expect(mergeParts([part(a, h), part(b, h)]).config).toEqual({ runcmd: ["a", "b"], hostname: "one", nested: { k: [1, 2], n: 1 } });
  });

  it("merge_how in the payload comes first and is removed from the config", () => {
    expect(mergeParts([part(a), part({ ...b, merge_how: "list(append)+dict(recurse_array)+str()" }, "dict(replace)+list()+str()")]).config).toEqual({
      runcmd: ["a", "b"],
      // dict() without replace is no_replace (m_dict.py DEF_MERGE_TYPE)
      hostname: "one",
      nested: { k: [1, 2], n: 1 },
    });
  });

  it("a part that cannot be merged is skipped with a warning", () => {
    const r = mergeParts([part(a), part(b, "list(append"), part(undefined)]);
    expect(r.config).toEqual(a);
    expect(r.warnings).toEqual([
      "Failed at merging in cloud config part from part-1: Matcher identifer 'list(append' is not in the right format",
      "Failed at merging in cloud config part from part-1: empty cloud config",
    ]);
  });

  it("parses merger identifiers as string_extract_mergers does", () => {
    expect(stringExtractMergers(" List(Append) + dict(no-replace, Recurse_List)+str() ")).toEqual([
      { name: "list", opts: ["append"] },
      { name: "dict", opts: ["no_replace", "recurse_list"] },
      { name: "str", opts: [] },
    ]);
  });
});
