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
  text = unescape(text.replace(/\\([fv])/g, (_m, c: string) => (c === "f" ? "\f" : "\v")));
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
