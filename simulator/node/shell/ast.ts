// The shell's syntax tree. Only what provider scripts and cloud-init commands need: simple commands,
// pipelines, && / || lists, redirections, quoting and parameter / command substitution.

export type Segment =
  | { kind: "lit"; text: string; quoted: boolean }
  /** $NAME, ${NAME}, ${NAME:-word}, ${NAME-word}; special names ? @ * # 0-9 $ */
  | { kind: "var"; name: string; quoted: boolean; op?: ParamOp }
  /** ${#NAME} */
  | { kind: "length"; name: string; quoted: boolean }
  /** $(...) or `...`: the raw source, parsed when it runs. */
  | { kind: "sub"; source: string; quoted: boolean }
  /**
   * $'...' (ANSI-C quoting): bash decodes the escapes; dash 0.5.12 has no such quoting and reads `$`
   * followed by a single-quoted string. `raw` is the text between the quotes.
   */
  | { kind: "ansic"; raw: string; quoted: true };

export type Word = Segment[];

/** ${NAME<op>word}: - = ? + (with or without :), and # ## % %% pattern removal. */
export interface ParamOp {
  op: "-" | "=" | "?" | "+" | "#" | "##" | "%" | "%%";
  colon: boolean;
  word: Word;
}

export interface Redirection {
  fd: number;
  op: ">" | ">>" | "<" | ">&" | "&>" | "&>>" | "<<";
  /** File name, or for `>&` the target fd as a word ("1", "2"); for `<<` the here-document body. */
  target: Word;
}

export interface SimpleCommand {
  assignments: { name: string; value: Word }[];
  words: Word[];
  redirections: Redirection[];
}

export interface IfCommand {
  kind: "if";
  branches: { condition: Script; body: Script }[];
  otherwise?: Script;
  redirections: Redirection[];
}

export interface ForCommand {
  kind: "for";
  name: string;
  /** undefined: iterate over "$@". */
  words?: Word[];
  body: Script;
  redirections: Redirection[];
}

export interface WhileCommand {
  kind: "while";
  until: boolean;
  condition: Script;
  body: Script;
  redirections: Redirection[];
}

export interface GroupCommand {
  kind: "group";
  body: Script;
  redirections: Redirection[];
}

export interface CaseCommand {
  kind: "case";
  word: Word;
  items: { patterns: Word[]; body: Script }[];
  redirections: Redirection[];
}

export interface FunctionDefinition {
  kind: "function";
  name: string;
  body: CompoundCommand;
  redirections: Redirection[];
}

export type CompoundCommand = IfCommand | ForCommand | WhileCommand | GroupCommand | CaseCommand | FunctionDefinition;
export type Command = SimpleCommand | CompoundCommand;

export function isCompound(c: Command): c is CompoundCommand {
  return "kind" in c;
}

export interface Pipeline {
  negate: boolean;
  commands: Command[];
}

export interface AndOrList {
  first: Pipeline;
  rest: { op: "&&" | "||"; pipeline: Pipeline }[];
}

export type Script = AndOrList[];

/** The words of a command as typed, without quotes (for audit records and messages). */
export function wordText(word: Word): string {
  return word
    .map((s) => {
      if (s.kind === "lit") return s.text;
      if (s.kind === "var") return "$" + (s.name.length > 1 || s.op ? `{${s.name}${s.op ? (s.op.colon ? ":" : "") + s.op.op + "..." : ""}}` : s.name);
      if (s.kind === "length") return `\${#${s.name}}`;
      if (s.kind === "ansic") return `$'${s.raw}'`;
      return `$(${s.source})`;
    })
    .join("");
}
