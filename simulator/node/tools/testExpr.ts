// test / [ : file tests, string and integer comparisons, ! and -a / -o, as coreutils' test does.
import { allowed, resolvePath } from "../access";
import type { NodeFs } from "../types";

export interface TestEnv {
  fs: NodeFs;
  cwd: string;
  user: string;
}

/** Exit status: 0 true, 1 false, 2 syntax error (message returned). */
export function evaluateTest(args: string[], env: TestEnv): { code: number; error?: string } {
  try {
    if (args.length === 0) return { code: 1 };
    return { code: orExpr(args, { i: 0 }, env) ? 0 : 1 };
  } catch (e) {
    return { code: 2, error: e instanceof Error ? e.message : String(e) };
  }
}

type Cursor = { i: number };

function orExpr(a: string[], c: Cursor, env: TestEnv): boolean {
  let v = andExpr(a, c, env);
  while (a[c.i] === "-o") {
    c.i++;
    v = andExpr(a, c, env) || v;
  }
  if (c.i < a.length) throw new Error(`extra argument '${a[c.i]}'`);
  return v;
}

function andExpr(a: string[], c: Cursor, env: TestEnv): boolean {
  let v = primary(a, c, env);
  while (a[c.i] === "-a") {
    c.i++;
    v = primary(a, c, env) && v;
  }
  return v;
}

const BINARY = new Set(["=", "==", "!=", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "-nt", "-ot"]);

function primary(a: string[], c: Cursor, env: TestEnv): boolean {
  const t = a[c.i];
  if (t === undefined) throw new Error("argument expected");
  if (t === "!" && c.i + 1 < a.length) {
    c.i++;
    return !primary(a, c, env);
  }
  if (BINARY.has(a[c.i + 1] ?? "") && c.i + 2 < a.length) {
    const left = t;
    const op = a[c.i + 1];
    const right = a[c.i + 2];
    c.i += 3;
    return binary(left, op, right);
  }
  if (/^-[a-zA-Z]$/.test(t) && c.i + 1 < a.length) {
    c.i += 2;
    return unary(t, a[c.i - 1], env);
  }
  c.i++;
  return t !== "";
}

function integer(s: string): number {
  if (!/^\s*-?\d+\s*$/.test(s)) throw new Error(`integer expression expected: '${s}'`);
  return Number(s);
}

function binary(l: string, op: string, r: string): boolean {
  switch (op) {
    case "=":
    case "==":
      return l === r;
    case "!=":
      return l !== r;
    case "-eq":
      return integer(l) === integer(r);
    case "-ne":
      return integer(l) !== integer(r);
    case "-lt":
      return integer(l) < integer(r);
    case "-le":
      return integer(l) <= integer(r);
    case "-gt":
      return integer(l) > integer(r);
    case "-ge":
      return integer(l) >= integer(r);
    default:
      return false;
  }
}

function unary(op: string, operand: string, env: TestEnv): boolean {
  const path = resolvePath(env.cwd, operand);
  const st = env.fs.stat(path);
  switch (op) {
    case "-z":
      return operand === "";
    case "-n":
      return operand !== "";
    case "-e":
      return st !== undefined;
    case "-f":
      return st?.type === "file";
    case "-d":
      return st?.type === "dir";
    case "-s":
      return st !== undefined && st.size > 0;
    case "-x":
      return st !== undefined && allowed(env.fs, path, env.user, "x");
    case "-r":
      return st !== undefined && allowed(env.fs, path, env.user, "r");
    case "-w":
      return st !== undefined && allowed(env.fs, path, env.user, "w");
    case "-L":
    case "-h":
    case "-b":
    case "-c":
    case "-p":
    case "-S":
      return op === "-b" ? /^\/dev\/(sr|vd|sd)/.test(path) : false;
    default:
      throw new Error(`unknown unary operator '${op}'`);
  }
}
