// echo as bash's builtin and coreutils' echo print it: -n, -e, -E.

export function echoOutput(args: string[]): string {
  let newline = true;
  let escapes = false;
  let i = 0;
  for (; i < args.length; i++) {
    if (!/^-[neE]+$/.test(args[i])) break;
    for (const f of args[i].slice(1)) {
      if (f === "n") newline = false;
      if (f === "e") escapes = true;
      if (f === "E") escapes = false;
    }
  }
  let text = args.slice(i).join(" ");
  if (escapes) text = unescape(text);
  return newline ? text + "\n" : text;
}

/**
 * dash's builtin echo (src/bltin/printf.c, echocmd): only `-n` is an option, and backslash escapes are
 * always interpreted; `\c` ends the output (no newline either).
 */
export function dashEchoOutput(args: string[]): string {
  let newline = true;
  let rest = args;
  if (rest[0] === "-n") {
    newline = false;
    rest = rest.slice(1);
  }
  let text = rest.join(" ");
  const stop = text.indexOf("\\c");
  if (stop >= 0) {
    text = text.slice(0, stop);
    newline = false;
  }
  // One pass, as dash's conv_escape: \0 takes up to 3 more octal digits, \1-\7 up to 3 in all.
  const named: Record<string, string> = { a: "\x07", b: "\b", e: "\x1b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\\": "\\" };
  text = text.replace(/\\(0[0-7]{0,3}|[1-7][0-7]{0,2}|.)/g, (whole, e: string) => {
    if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8) & 0xff);
    return named[e] ?? whole;
  });
  return newline ? text + "\n" : text;
}

/** Backslash escapes of echo -e and printf's format. */
export function unescape(text: string): string {
  return text.replace(/\\(0[0-7]{0,3}|x[0-9a-fA-F]{1,2}|.)/g, (_m, e: string) => {
    switch (e[0]) {
      case "n": return "\n";
      case "t": return "\t";
      case "r": return "\r";
      case "\\": return "\\";
      case "a": return "\x07";
      case "b": return "\b";
      case "e": return "\x1b";
      case "0": return String.fromCharCode(parseInt(e.slice(1) || "0", 8));
      case "x": return String.fromCharCode(parseInt(e.slice(1), 16));
      default: return "\\" + e;
    }
  });
}
