import { shellMachine, AuditLog } from "./helpers";

describe("node shell: parsing and execution", () => {
  const m = shellMachine();
  const run = (line: string, user = "cloud", stdin?: string) => m.run(line, { user, ...(stdin !== undefined ? { stdin: Buffer.from(stdin) } : {}) });

  it("handles single, double quotes, escapes and variables", async () => {
    const r = await run(`X=world; echo 'a  $X' "b  $X" c\\ d "\\$X" \${X}s`);
    expect(r.stdout).toBe("a  $X b  world c d $X worlds\n");
    expect(r.code).toBe(0);
  });

  it("splits unquoted variables into fields but keeps quoted ones whole", async () => {
    const r = await run(`V="1  2"; printf '[%s]' $V; printf '[%s]' "$V"`);
    expect(r.stdout).toBe("[1][2][1  2]");
  });

  it("chains with ; && || and reports $?", async () => {
    expect((await run("false && echo no; echo $?")).stdout).toBe("1\n");
    expect((await run("false || echo yes")).stdout).toBe("yes\n");
    expect((await run("true && echo a || echo b")).stdout).toBe("a\n");
    expect((await run("false; true")).code).toBe(0);
    expect((await run("true; false")).code).toBe(1);
  });

  it("pipes stdout into the next command's stdin", async () => {
    const r = await run("printf 'a\\nb\\nc\\n' | grep -v b | wc -l");
    expect(r.stdout.trim()).toBe("2");
  });

  it("redirects >, >>, <, 2>&1 and 2>/dev/null", async () => {
    await run("echo one > /tmp/f && echo two >> /tmp/f");
    expect((await run("cat < /tmp/f")).stdout).toBe("one\ntwo\n");
    const merged = await run("cat /nonexistent 2>&1");
    expect(merged.stdout).toBe("cat: /nonexistent: No such file or directory\n");
    expect(merged.stderr).toBe("");
    const hidden = await run("cat /nonexistent 2>/dev/null");
    expect(hidden.stderr).toBe("");
    expect(hidden.code).toBe(1);
  });

  it("passes FOO=bar to one command only", async () => {
    const r = await run("FOO=bar env | grep ^FOO=; echo \"[$FOO]\"");
    expect(r.stdout).toBe("FOO=bar\n[]\n");
  });

  it("answers 127 for unknown commands and 126 for non-executable files", async () => {
    const r = await run("nosuchtool --x");
    expect(r.code).toBe(127);
    expect(r.stderr).toBe("bash: nosuchtool: command not found\n");
    await run("echo data > /tmp/plain");
    expect((await run("/tmp/plain")).code).toBe(126);
  });

  it("runs sudo only for users with a NOPASSWD rule", async () => {
    expect((await run("sudo id -u")).stdout).toBe("0\n");
    const denied = await run("sudo id -u", "alice");
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain("sudo: a password is required");
    expect((await run("whoami")).stdout).toBe("cloud\n");
  });

  it("refuses writes outside the user's reach without sudo", async () => {
    const r = await run("echo x > /etc/evil");
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("bash: /etc/evil: Permission denied\n");
    expect((await run("sudo tee /etc/good", "cloud", "ok\n")).code).toBe(0);
    expect(m.fs.read("/etc/good")?.toString()).toBe("ok\n");
    expect(m.fs.stat("/etc/good")?.owner).toBe("root");
  });

  it("runs sh -c and bash -c with positional parameters", async () => {
    expect((await run(`sh -c 'echo "$0:$1"' zero one`)).stdout).toBe("zero:one\n");
    expect((await run("bash -c 'exit 3'; echo $?")).stdout).toBe("3\n");
  });

  it("runs script files with set -e, arguments and comments", async () => {
    m.fs.write(
      "/tmp/s.sh",
      "#!/bin/bash\n# comment\nset -euo pipefail\nNAME=$1\necho \"hello $NAME ($#) $@\"\nfalse\necho not reached\n",
      { mode: 0o755, owner: "cloud" },
    );
    const r = await run("bash /tmp/s.sh bob x");
    expect(r.stdout).toBe("hello bob (2) bob x\n");
    expect(r.code).toBe(1);
    const direct = await run("cd /tmp && ./s.sh amy");
    expect(direct.stdout).toBe("hello amy (1) amy\n");
    const unbound = await run("bash -u -c 'echo $NOPE'");
    // Real bash exits a non-interactive shell with 127 on an unbound variable (dash: 2).
    expect(unbound.code).toBe(127);
    expect(unbound.stderr).toContain("NOPE: unbound variable");
  });

  it("supports command substitution and ${X:-default}", async () => {
    expect((await run("echo \"$(hostname)-${MISSING:-dflt}\"")).stdout).toBe("node-1-dflt\n");
  });

  it("rejects unsupported syntax (select, [[ ]], here-strings) with a clear message", async () => {
    const r = await run("select x in a b; do echo $x; done");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unsupported shell syntax");
    expect((await run("[[ -f /etc/hosts ]]")).code).toBe(2);
    expect((await run("cat <<< word")).stderr).toContain("here-strings");
    expect((await run("if true; then echo x")).stderr).toContain("unexpected end of file");
  });

  it("runs if / elif / else, for and while loops with break and continue", async () => {
    expect((await run("if [ -f /nope ]; then echo a; elif test -d /tmp; then echo b; else echo c; fi")).stdout).toBe("b\n");
    expect((await run("if false; then echo a; else echo c; fi > /tmp/if.out; cat /tmp/if.out")).stdout).toBe("c\n");
    expect((await run("for x in 1 2 3; do if [ $x = 2 ]; then continue; fi; echo $x; done")).stdout).toBe("1\n3\n");
    expect((await run("i=0; while true; do i=$(echo x$i); if [ $i = xx0 ]; then break; fi; done; echo $i")).stdout).toBe("xx0\n");
    expect((await run("n=a; until [ $n = aaa ]; do n=${n}a; done; echo $n")).stdout).toBe("aaa\n");
    const script = "set -e\nfor f in one two\ndo\n  echo \"$f\"\ndone\nif ! false; then echo negated; fi\nfalse\necho unreachable\n";
    m.fs.write("/tmp/loop.sh", script, { mode: 0o755 });
    const r = await run("bash /tmp/loop.sh");
    expect(r.stdout).toBe("one\ntwo\nnegated\n");
    expect(r.code).toBe(1);
  });

  it("supports functions, case, here-documents and ${X%p} ${X#p} ${X:?} ${#X}", async () => {
    const script = [
      "greet() {",
      "  local who=\"$1\"",
      "  echo \"hi $who\"",
      "  return 3",
      "}",
      "greet bob; echo \"rc=$?\"",
      "for a in --root -h other ''; do",
      "  case \"$a\" in",
      "    --root) echo root ;;",
      "    -h | --help) echo help;;",
      "    '' | *[!a-z]*) echo odd ;;",
      "    *) echo \"plain $a\" ;;",
      "  esac",
      "done",
      "cat <<'EOF'",
      "literal $HOME",
      "EOF",
      "X=/etc/dir/",
      "cat <<EOF | tr a-z A-Z",
      "trimmed ${X%/} base ${X##*/d} len ${#X}",
      "EOF",
      "{ echo grouped; } > /tmp/grp; cat /tmp/grp",
      "echo ${UNSET:?is required}",
      "echo unreachable",
    ].join("\n");
    const r = await run("bash -s", "cloud", script);
    expect(r.stdout).toBe("hi bob\nrc=3\nroot\nhelp\nplain other\nodd\nliteral $HOME\nTRIMMED /ETC/DIR BASE IR/ LEN 9\ngrouped\n");
    expect(r.stderr).toBe("bash: UNSET: is required\n");
    // ${X:?} ends a non-interactive bash with 127 (dash: 2), as the differential tests measure.
    expect(r.code).toBe(127);
  });

  it("reads lines with read in a while loop fed by a redirection", async () => {
    await run("printf 'a 1\\nb 2 x\\n' > /tmp/pairs");
    expect((await run("while read -r k v; do echo \"$v=$k\"; done < /tmp/pairs")).stdout).toBe("1=a\n2 x=b\n");
  });

  it("runs the provider's fstab and containerd runcmd lines (sh -c with if, sed -e -e, POSIX classes)", async () => {
    await run("sudo sh -c 'printf \"UUID=1 / ext4 defaults 0 1\\n/swap.img none swap sw 0 0\\n\" > /etc/fstab'");
    const fstab = await run(`sudo sh -c "if [ -f /etc/fstab ]; then sed -i 's/^\\([^#].*[[:space:]]swap[[:space:]].*\\)$/#\\1/' /etc/fstab; fi"`);
    expect(fstab.code).toBe(0);
    expect(m.fs.read("/etc/fstab")?.toString()).toBe("UUID=1 / ext4 defaults 0 1\n#/swap.img none swap sw 0 0\n");
    await run("sudo sh -c 'mkdir -p /etc/containerd && containerd config default > /etc/containerd/config.toml'");
    const sed = await run(`sudo sed -i -e 's/SystemdCgroup = false/SystemdCgroup = true/' -e 's#config_path = ""#config_path = "/etc/containerd/certs.d"#' /etc/containerd/config.toml`);
    expect(sed.code).toBe(0);
    const cfg = m.fs.read("/etc/containerd/config.toml")?.toString() ?? "";
    expect(cfg).toContain("SystemdCgroup = true");
    expect(cfg).toContain('config_path = "/etc/containerd/certs.d"');
  });

  it("expands globs against the node filesystem", async () => {
    await run("mkdir -p /tmp/g && touch /tmp/g/a.yaml /tmp/g/b.yaml /tmp/g/c.txt");
    expect((await run("echo /tmp/g/*.yaml")).stdout).toBe("/tmp/g/a.yaml /tmp/g/b.yaml\n");
  });

  it("audits each top-level command line with secrets redacted", async () => {
    const audit = new AuditLog();
    const m2 = shellMachine({ audit });
    await m2.run("kubeadm join 10.0.0.1:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash sha256:1234 --certificate-key=deadbeef", { user: "cloud", source: "ssh" });
    const rec = audit.node()[0];
    expect(rec.command).toBe("kubeadm");
    expect(rec.node).toBe("node-1");
    expect(rec.exitCode).toBe(127);
    expect(rec.argv).toEqual(["kubeadm", "join", "10.0.0.1:6443", "--token", "[REDACTED]", "--discovery-token-ca-cert-hash", "sha256:1234", "--certificate-key=[REDACTED]"]);
    expect(JSON.stringify(audit.records)).not.toContain("abcdef.0123456789abcdef");
    expect(rec.end).toBeGreaterThanOrEqual(rec.start);
    await m2.run("sudo -u root env A=1 mkdir -p /opt/bin");
    const mk = audit.node()[1];
    expect(mk.program).toBe("mkdir");
    expect(mk.argv).toEqual(["sudo", "-u", "root", "env", "A=1", "mkdir", "-p", "/opt/bin"]);
  });
});
