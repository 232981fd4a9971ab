// A recursive-descent parser for the POSIX shell subset the simulator supports. Compound commands
// (if, for, while, case, functions, subshells) and here-documents are refused with a clear error
// instead of being half-interpreted.
import type { AndOrList, Command, CompoundCommand, ParamOp, Pipeline, Redirection, Script, Segment, SimpleCommand, Word } from "./ast";

export class ShellSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ShellSyntaxError";
  }
}

/** Reserved words that cannot start a simple command. if/for/while/until start compound commands. */
const UNSUPPORTED_KEYWORDS = new Set(["then", "else", "elif", "fi", "do", "done", "esac", "}", "select", "[["]);
const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

export function parseScript(source: string): Script {
  return new Parser(source).parseScript();
}

class Parser {
  private pos = 0;
  /** Here-documents whose bodies start after the current line. */
  private pendingHeredocs: { redir: Redirection; delimiter: string; quoted: boolean; stripTabs: boolean }[] = [];
  /** How many $( ) bodies enclose the cursor: there a `)` ends the command list. */
  private substitutionDepth = 0;
  constructor(private readonly src: string) {}

  /** Consume a newline; here-document bodies announced on the line that ends here follow it. */
  private newline(): void {
    this.pos++;
    for (const h of this.pendingHeredocs.splice(0)) {
      const lines: string[] = [];
      // At end of file without the delimiter the body ends there (bash warns, dash is silent), and
      // without a final newline if the file has none.
      let unterminated = false;
      for (;;) {
        if (this.atEnd()) break;
        const end = this.src.indexOf("\n", this.pos);
        const raw = this.src.slice(this.pos, end < 0 ? this.src.length : end);
        this.pos = end < 0 ? this.src.length : end + 1;
        const line = h.stripTabs ? raw.replace(/^\t+/, "") : raw;
        if (line === h.delimiter) break;
        lines.push(line);
        unterminated = end < 0;
      }
      const body = lines.length > 0 ? lines.join("\n") + (unterminated && lines[lines.length - 1] !== "" ? "" : "\n") : "";
      h.redir.target = h.quoted ? [{ kind: "lit", text: body, quoted: true }] : new Parser(body).parseHeredocBody();
    }
  }

  /** An unquoted here-document: parameters and command substitutions expand, quotes stay. */
  parseHeredocBody(): Word {
    const segs: Segment[] = [];
    let text = "";
    const flush = (): void => {
      if (text !== "") segs.push({ kind: "lit", text, quoted: true });
      text = "";
    };
    while (!this.atEnd()) {
      const c = this.peek();
      if (c === "\\" && "$`\\".includes(this.peek(1)) && this.peek(1) !== "") {
        text += this.peek(1);
        this.pos += 2;
      } else if (c === "$") {
        flush();
        const seg = this.parseDollar(true);
        if (seg) segs.push(seg);
        else text += "$";
      } else if (c === "`") {
        flush();
        segs.push({ kind: "sub", source: this.readBackticks(), quoted: true });
      } else {
        text += c;
        this.pos++;
      }
    }
    flush();
    return segs.length > 0 ? segs : [{ kind: "lit", text: "", quoted: true }];
  }

  private peek(offset = 0): string {
    return this.src[this.pos + offset] ?? "";
  }

  private atEnd(): boolean {
    return this.pos >= this.src.length;
  }

  /** Blanks, and line continuations (backslash-newline). */
  private skipBlanks(): void {
    for (;;) {
      const c = this.peek();
      if (c === " " || c === "\t" || c === "\r") this.pos++;
      else if (c === "\\" && this.peek(1) === "\n") this.pos += 2;
      else return;
    }
  }

  /** Blanks, newlines, comments and `;` between list items. */
  private skipSeparators(): void {
    for (;;) {
      this.skipBlanks();
      const c = this.peek();
      if (c === "\n") this.newline();
      else if (c === ";" && this.peek(1) !== ";") this.pos++;
      else if (c === "#") this.skipComment();
      else return;
    }
  }

  private skipComment(): void {
    while (!this.atEnd() && this.peek() !== "\n") this.pos++;
  }

  parseScript(): Script {
    return this.parseList(new Set());
  }

  /** The reserved word at the cursor (after blanks), if the next token is exactly one. */
  private peekKeyword(): string | undefined {
    this.skipBlanks();
    const m = /^(if|then|elif|else|fi|for|in|do|done|while|until|case|esac|function|select|\{|\}|\[\[)(?=$|[ \t\r\n;&|()<>])/.exec(this.src.slice(this.pos, this.pos + 12));
    return m?.[1];
  }

  private expectKeyword(word: string): void {
    if (this.peekKeyword() !== word) {
      const near = this.atEnd() ? "end of file" : `\`${this.src.slice(this.pos).split(/\s/)[0]}'`;
      throw new ShellSyntaxError(`syntax error: expected \`${word}' near ${near}`);
    }
    this.pos += word.length;
  }

  /** AndOr lists until EOF or one of `terminators` (reserved words) at a command position. */
  private parseList(terminators: Set<string>, allowEmpty = false): Script {
    const items: AndOrList[] = [];
    for (;;) {
      this.skipSeparators();
      if (terminators.has(";;") && this.src.startsWith(";;", this.pos)) return items;
      if (terminators.has(")") && this.peek() === ")") return items;
      if (this.atEnd()) {
        if (terminators.size > 0) throw new ShellSyntaxError(`syntax error: unexpected end of file (expected ${[...terminators].map((t) => `\`${t}'`).join(" or ")})`);
        return items;
      }
      const kw = this.peekKeyword();
      if (kw !== undefined && terminators.has(kw)) {
        if (items.length === 0 && !allowEmpty) throw new ShellSyntaxError(`syntax error near unexpected token \`${kw}'`);
        return items;
      }
      items.push(this.parseAndOr());
      this.skipBlanks();
      const c = this.peek();
      if (c === "&" && this.peek(1) !== "&") {
        // Background jobs run in the foreground: the simulator has no job control.
        this.pos++;
      } else if (c !== "" && c !== ";" && c !== "\n" && c !== "#" && !(c === ")" && terminators.has(")"))) {
        throw new ShellSyntaxError(`syntax error near unexpected token \`${c}'`);
      }
    }
  }

  private parseCommand(): Command {
    const kw = this.peekKeyword();
    const fn = /^(?:function[ \t]+)?([A-Za-z_][\w-]*)[ \t]*\([ \t]*\)/.exec(this.src.slice(this.pos, this.pos + 200)) ?? (kw === "function" ? /^function[ \t]+([A-Za-z_][\w-]*)/.exec(this.src.slice(this.pos, this.pos + 200)) : null);
    if (fn) {
      this.pos += fn[0].length;
      this.skipSeparators();
      const body = this.parseCommand();
      if (!("kind" in body)) throw new ShellSyntaxError(`syntax error: function ${fn[1]} needs a { ... } body`);
      return { kind: "function", name: fn[1], body, redirections: [] };
    }
    if (kw === "{" || kw === "case") {
      const compound: CompoundCommand = kw === "{" ? this.parseGroup() : this.parseCase();
      for (;;) {
        this.skipBlanks();
        const redir = this.tryRedirection();
        if (!redir) break;
        compound.redirections.push(redir);
      }
      return compound;
    }
    if (kw === "if" || kw === "for" || kw === "while" || kw === "until") {
      const compound = kw === "if" ? this.parseIf() : kw === "for" ? this.parseFor() : this.parseWhile(kw === "until");
      for (;;) {
        this.skipBlanks();
        const redir = this.tryRedirection();
        if (!redir) break;
        compound.redirections.push(redir);
      }
      return compound;
    }
    return this.parseSimple();
  }

  private parseGroup(): CompoundCommand {
    this.expectKeyword("{");
    const body = this.parseList(new Set(["}"]));
    this.expectKeyword("}");
    return { kind: "group", body, redirections: [] };
  }

  private parseCase(): CompoundCommand {
    this.expectKeyword("case");
    this.skipBlanks();
    const word = this.parseWord();
    this.skipSeparators();
    this.expectKeyword("in");
    const items: { patterns: Word[]; body: Script }[] = [];
    for (;;) {
      this.skipSeparators();
      if (this.peekKeyword() === "esac") {
        this.pos += 4;
        return { kind: "case", word, items, redirections: [] };
      }
      if (this.atEnd()) throw new ShellSyntaxError("syntax error: unexpected end of file (expected `esac')");
      if (this.peek() === "(") this.pos++;
      const patterns: Word[] = [];
      for (;;) {
        this.skipBlanks();
        patterns.push(this.parseWord());
        this.skipBlanks();
        if (this.peek() === "|") {
          this.pos++;
          continue;
        }
        if (this.peek() === ")") {
          this.pos++;
          break;
        }
        throw new ShellSyntaxError(`syntax error near unexpected token \`${this.peek() || "newline"}' in case pattern`);
      }
      const body = this.parseList(new Set([";;", "esac"]), true);
      items.push({ patterns, body });
      this.skipBlanks();
      if (this.src.startsWith(";;", this.pos)) this.pos += 2;
    }
  }

  private parseIf(): CompoundCommand {
    this.expectKeyword("if");
    const branches: { condition: Script; body: Script }[] = [];
    let otherwise: Script | undefined;
    const condition = this.parseList(new Set(["then"]));
    this.expectKeyword("then");
    branches.push({ condition, body: this.parseList(new Set(["elif", "else", "fi"])) });
    for (;;) {
      const kw = this.peekKeyword();
      if (kw === "elif") {
        this.pos += 4;
        const c = this.parseList(new Set(["then"]));
        this.expectKeyword("then");
        branches.push({ condition: c, body: this.parseList(new Set(["elif", "else", "fi"])) });
      } else if (kw === "else") {
        this.pos += 4;
        otherwise = this.parseList(new Set(["fi"]));
      } else {
        this.expectKeyword("fi");
        break;
      }
    }
    return { kind: "if", branches, ...(otherwise ? { otherwise } : {}), redirections: [] };
  }

  private parseFor(): CompoundCommand {
    this.expectKeyword("for");
    this.skipBlanks();
    let name = "";
    while (NAME_CHAR.test(this.peek())) name += this.src[this.pos++];
    if (!/^[A-Za-z_]/.test(name)) throw new ShellSyntaxError(`\`${name}': not a valid identifier`);
    let words: Word[] | undefined;
    if (this.peekKeyword() === "in") {
      this.pos += 2;
      words = [];
      for (;;) {
        this.skipBlanks();
        const c = this.peek();
        if (c === ";" || c === "\n" || c === "") break;
        words.push(this.parseWord());
      }
    }
    this.skipSeparators();
    this.expectKeyword("do");
    const body = this.parseList(new Set(["done"]));
    this.expectKeyword("done");
    return { kind: "for", name, ...(words ? { words } : {}), body, redirections: [] };
  }

  private parseWhile(until: boolean): CompoundCommand {
    this.expectKeyword(until ? "until" : "while");
    const condition = this.parseList(new Set(["do"]));
    this.expectKeyword("do");
    const body = this.parseList(new Set(["done"]));
    this.expectKeyword("done");
    return { kind: "while", until, condition, body, redirections: [] };
  }

  private parseAndOr(): AndOrList {
    const first = this.parsePipeline();
    const rest: AndOrList["rest"] = [];
    for (;;) {
      this.skipBlanks();
      const two = this.peek() + this.peek(1);
      if (two !== "&&" && two !== "||") return { first, rest };
      this.pos += 2;
      while (this.peek() === "\n" || this.peek() === " " || this.peek() === "\t") if (this.peek() === "\n") this.newline(); else this.pos++;
      rest.push({ op: two as "&&" | "||", pipeline: this.parsePipeline() });
    }
  }

  private parsePipeline(): Pipeline {
    this.skipBlanks();
    let negate = false;
    if (this.peek() === "!" && /[ \t]/.test(this.peek(1))) {
      negate = true;
      this.pos++;
    }
    const commands = [this.parseCommand()];
    for (;;) {
      this.skipBlanks();
      if (this.peek() === "|" && this.peek(1) !== "|") {
        this.pos++;
        while (this.peek() === "\n" || this.peek() === " " || this.peek() === "\t") if (this.peek() === "\n") this.newline(); else this.pos++;
        commands.push(this.parseCommand());
      } else {
        return { negate, commands };
      }
    }
  }

  private parseSimple(): SimpleCommand {
    const cmd: SimpleCommand = { assignments: [], words: [], redirections: [] };
    for (;;) {
      this.skipBlanks();
      const c = this.peek();
      if (c === "" || c === ";" || c === "\n" || c === "|" || (c === "&" && this.peek(1) !== ">")) break;
      if (c === "#" && true) {
        this.skipComment();
        break;
      }
      if (c === ")" && this.substitutionDepth > 0) break;
      if (c === "(" || c === ")") throw new ShellSyntaxError(`unsupported shell syntax \`${c}' (no subshells in the simulator's shell)`);
      const redir = this.tryRedirection();
      if (redir) {
        cmd.redirections.push(redir);
        continue;
      }
      const word = this.parseWord();
      if (cmd.words.length === 0) {
        const assignment = splitAssignment(word);
        if (assignment) {
          cmd.assignments.push(assignment);
          continue;
        }
        const first = word.length === 1 && word[0].kind === "lit" && !word[0].quoted ? word[0].text : undefined;
        if (first !== undefined && UNSUPPORTED_KEYWORDS.has(first)) {
          throw new ShellSyntaxError(`unsupported shell syntax \`${first}' (the simulator's shell has no select, [[ ]], arithmetic or arrays)`);
        }
      }
      cmd.words.push(word);
    }
    if (cmd.words.length === 0 && cmd.assignments.length === 0 && cmd.redirections.length === 0) {
      const c = this.peek();
      throw new ShellSyntaxError(`syntax error near unexpected token \`${c === "" ? "newline" : c}'`);
    }
    return cmd;
  }

  private tryRedirection(): Redirection | undefined {
    const start = this.pos;
    let fdText = "";
    while (/[0-9]/.test(this.peek())) fdText += this.src[this.pos++];
    let op: Redirection["op"] | undefined;
    let fd = fdText === "" ? -1 : Number(fdText);
    const c = this.peek();
    if (fdText === "" && c === "&" && this.peek(1) === ">") {
      op = this.peek(2) === ">" ? "&>>" : "&>";
      this.pos += op.length;
      fd = 1;
    } else if (c === ">") {
      if (this.peek(1) === ">") {
        op = ">>";
        this.pos += 2;
      } else if (this.peek(1) === "&") {
        op = ">&";
        this.pos += 2;
      } else {
        op = ">";
        this.pos += 1;
        if (this.peek() === "|") this.pos++; // >| (noclobber override) behaves like >
      }
      if (fd < 0) fd = 1;
    } else if (c === "<" && this.peek(1) === "<") {
      if (this.peek(2) === "<") throw new ShellSyntaxError("here-strings (<<<) are not supported by the simulator's shell");
      const stripTabs = this.peek(2) === "-";
      this.pos += stripTabs ? 3 : 2;
      this.skipBlanks();
      const delimWord = this.parseWord();
      const quoted = delimWord.some((seg) => seg.kind === "lit" && seg.quoted);
      const delimiter = delimWord.map((seg) => (seg.kind === "lit" ? seg.text : "")).join("");
      const redir: Redirection = { fd: fd < 0 ? 0 : fd, op: "<<", target: [] };
      this.pendingHeredocs.push({ redir, delimiter, quoted, stripTabs });
      return redir;
    } else if (c === "<") {
      op = "<";
      this.pos += 1;
      if (fd < 0) fd = 0;
    }
    if (!op) {
      this.pos = start;
      return undefined;
    }
    this.skipBlanks();
    const next = this.peek();
    if (next === "" || next === "\n" || next === ";" || next === "|" || next === "&" || next === "<" || next === ">") {
      throw new ShellSyntaxError(`syntax error near unexpected token \`${next === "" || next === "\n" ? "newline" : next}'`);
    }
    return { fd, op, target: this.parseWord() };
  }

  private parseWord(): Word {
    const segs: Segment[] = [];
    const lit = (text: string, quoted: boolean): void => {
      const last = segs[segs.length - 1];
      if (last && last.kind === "lit" && last.quoted === quoted) last.text += text;
      else segs.push({ kind: "lit", text, quoted });
    };
    for (;;) {
      const c = this.peek();
      if (c === "" || /[ \t\r\n;&|<>()]/.test(c)) break;
      if (c === "'") {
        const end = this.src.indexOf("'", this.pos + 1);
        if (end < 0) throw new ShellSyntaxError("unexpected EOF while looking for matching `''");
        lit(this.src.slice(this.pos + 1, end), true);
        this.pos = end + 1;
      } else if (c === '"') {
        this.pos++;
        this.parseDoubleQuoted(segs, lit);
      } else if (c === "\\") {
        const n = this.peek(1);
        this.pos += 2;
        if (n !== "\n") lit(n, true);
      } else if (c === "$" && this.peek(1) === "'") {
        // bash's $'...': a backslash escapes the closing quote (bash manual, "ANSI-C Quoting").
        let end = this.pos + 2;
        while (end < this.src.length && this.src[end] !== "'") end += this.src[end] === "\\" ? 2 : 1;
        if (end >= this.src.length) throw new ShellSyntaxError("unexpected EOF while looking for matching `''");
        segs.push({ kind: "ansic", raw: this.src.slice(this.pos + 2, end), quoted: true });
        this.pos = end + 1;
      } else if (c === "$") {
        segs.push(this.parseDollar(false) ?? { kind: "lit", text: "$", quoted: false });
      } else if (c === "`") {
        segs.push({ kind: "sub", source: this.readBackticks(), quoted: false });
      } else {
        lit(c, false);
        this.pos++;
      }
    }
    if (segs.length === 0) throw new ShellSyntaxError("syntax error: empty word");
    return segs;
  }

  private parseDoubleQuoted(segs: Segment[], lit: (t: string, q: boolean) => void): void {
    let sawAny = false;
    for (;;) {
      const c = this.peek();
      if (c === "") throw new ShellSyntaxError("unexpected EOF while looking for matching `\"'");
      if (c === '"') {
        this.pos++;
        if (!sawAny) lit("", true);
        return;
      }
      sawAny = true;
      if (c === "\\") {
        const n = this.peek(1);
        if (n === "$" || n === "`" || n === '"' || n === "\\") {
          lit(n, true);
          this.pos += 2;
        } else if (n === "\n") {
          this.pos += 2;
        } else {
          lit("\\", true);
          this.pos++;
        }
      } else if (c === "$") {
        segs.push(this.parseDollar(true) ?? { kind: "lit", text: "$", quoted: true });
      } else if (c === "`") {
        segs.push({ kind: "sub", source: this.readBackticks(), quoted: true });
      } else {
        lit(c, true);
        this.pos++;
      }
    }
  }

  private readBackticks(): string {
    const end = this.src.indexOf("`", this.pos + 1);
    if (end < 0) throw new ShellSyntaxError("unexpected EOF while looking for matching ``'");
    const body = this.src.slice(this.pos + 1, end);
    this.pos = end + 1;
    return body;
  }

  /** At a `$`: returns the expansion, or undefined (and consumes the `$`) when it is a literal dollar. */
  private parseDollar(quoted: boolean): Segment | undefined {
    this.pos++;
    const c = this.peek();
    if (c === "{") return this.parseBraced(quoted);
    if (c === "(") {
      if (this.peek(1) === "(") throw new ShellSyntaxError("arithmetic expansion $(( )) is not supported by the simulator's shell");
      return { kind: "sub", source: this.readParenthesized(), quoted };
    }
    if (/[?@*#$!0-9-]/.test(c)) {
      this.pos++;
      return { kind: "var", name: c, quoted };
    }
    if (NAME_START.test(c)) {
      let name = "";
      while (NAME_CHAR.test(this.peek())) name += this.src[this.pos++];
      return { kind: "var", name, quoted };
    }
    return undefined;
  }

  private parseBraced(quoted: boolean): Segment {
    this.pos++; // {
    if (this.peek() === "#" && this.peek(1) !== "}") {
      this.pos++;
      let name = "";
      while (NAME_CHAR.test(this.peek()) || /[@*#?]/.test(this.peek())) name += this.src[this.pos++];
      if (this.peek() !== "}") throw new ShellSyntaxError("bad substitution");
      this.pos++;
      return { kind: "length", name, quoted };
    }
    let name = "";
    if (/[?@*#$!0-9]/.test(this.peek())) name = this.src[this.pos++];
    else while (NAME_CHAR.test(this.peek())) name += this.src[this.pos++];
    if (name === "") throw new ShellSyntaxError("bad substitution");
    if (this.peek() === "}") {
      this.pos++;
      return { kind: "var", name, quoted };
    }
    let colon = false;
    if (this.peek() === ":") {
      colon = true;
      this.pos++;
    }
    const two = this.peek() + this.peek(1);
    let op: ParamOp["op"];
    if (!colon && (two === "##" || two === "%%")) op = two;
    else if ("-=?+".includes(this.peek()) || (!colon && "#%".includes(this.peek()))) op = this.peek() as ParamOp["op"];
    else throw new ShellSyntaxError(`bad substitution: \${${name}${colon ? ":" : ""}${this.peek()}...} is not supported`);
    this.pos += op.length;
    const start = this.pos;
    let depth = 1;
    while (!this.atEnd()) {
      const ch = this.peek();
      if (ch === "\\") {
        this.pos += 2;
        continue;
      }
      if (ch === "{") depth++;
      if (ch === "}" && --depth === 0) break;
      this.pos++;
    }
    if (this.atEnd()) throw new ShellSyntaxError("bad substitution: missing `}'");
    const raw = this.src.slice(start, this.pos);
    this.pos++;
    const word: Word = raw === "" ? [{ kind: "lit", text: "", quoted: true }] : new Parser(raw).parseWordAll();
    return { kind: "var", name, quoted, op: { op, colon, word } };
  }

  /** A whole string as one word (the default of ${X:-...}, where blanks are literal). */
  parseWordAll(): Word {
    const segs: Segment[] = [];
    while (!this.atEnd()) {
      const c = this.peek();
      if (/[ \t;&|<>()]/.test(c)) {
        segs.push({ kind: "lit", text: c, quoted: true });
        this.pos++;
      } else {
        segs.push(...this.parseWord());
      }
    }
    return segs;
  }

  private readParenthesized(): string {
    // At "(": the body is read as a complete script up to the `)` that ends it (POSIX XCU 2.6.3), so a
    // `)` in a case pattern, in quotes or after a backslash does not end it. It is parsed again when run.
    const start = this.pos + 1;
    const inner = new Parser(this.src);
    inner.pos = start;
    inner.substitutionDepth = this.substitutionDepth + 1;
    inner.parseList(new Set([")"]), true);
    if (inner.peek() !== ")") throw new ShellSyntaxError("unexpected EOF while looking for matching `)'");
    this.pos = inner.pos + 1;
    return this.src.slice(start, inner.pos);
  }
}

function splitAssignment(word: Word): { name: string; value: Word } | undefined {
  const head = word[0];
  if (head.kind !== "lit" || head.quoted) return undefined;
  const m = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(head.text);
  if (!m) return undefined;
  const rest = head.text.slice(m[0].length);
  const value: Word = [];
  if (rest !== "") value.push({ kind: "lit", text: rest, quoted: false });
  value.push(...word.slice(1));
  if (value.length === 0) value.push({ kind: "lit", text: "", quoted: true });
  return { name: m[1], value };
}
