// The shell's syntax tree: POSIX sh plus the bash bits container scripts commonly use.

export type ParamOp =
  | ':-'
  | '-'
  | ':='
  | '='
  | ':?'
  | '?'
  | ':+'
  | '+'
  | '#'
  | '##'
  | '%'
  | '%%'
  | '/'
  | '//'
  | 'length'
  | 'substring';

export type WordPart =
  /** `quoted` literals are neither field-split nor treated as glob/case patterns. */
  | { readonly type: 'lit'; readonly text: string; readonly quoted: boolean }
  | {
      readonly type: 'param';
      readonly name: string;
      readonly op?: ParamOp;
      readonly arg?: Word;
      /** For `${x/pat/rep}` the replacement; for `${x:off:len}` the length. */
      readonly arg2?: Word;
      readonly quoted: boolean;
    }
  | { readonly type: 'cmdsub'; readonly source: string; readonly quoted: boolean; readonly line: number }
  | { readonly type: 'arith'; readonly expr: Word; readonly quoted: boolean };

export interface Word {
  readonly parts: readonly WordPart[];
}

export type RedirOp = '>' | '>>' | '<' | '>&' | '<&' | '>|' | '<>' | '<<' | '<<-' | '&>' | '&>>' | '<<<';

export interface Redirect {
  readonly op: RedirOp;
  /** Explicit descriptor (`2>`); default 1 for output ops, 0 for input ops. */
  readonly fd: number | undefined;
  readonly target: Word;
  /** Here-document body (already split off the source); unexpanded when the delimiter was quoted. */
  readonly heredoc?: { readonly body: Word };
}

export interface Assignment {
  readonly name: string;
  readonly value: Word;
}

export type Command =
  | {
      readonly type: 'simple';
      readonly assigns: readonly Assignment[];
      readonly words: readonly Word[];
      readonly redirs: readonly Redirect[];
      readonly line: number;
    }
  | { readonly type: 'pipeline'; readonly negate: boolean; readonly commands: readonly Command[] }
  | { readonly type: 'andor'; readonly first: Command; readonly rest: readonly AndOrStep[] }
  | { readonly type: 'list'; readonly items: readonly ListItem[] }
  | {
      readonly type: 'if';
      readonly clauses: readonly { readonly cond: Command; readonly body: Command }[];
      readonly otherwise?: Command;
      readonly redirs: readonly Redirect[];
    }
  | {
      readonly type: 'loop';
      readonly until: boolean;
      readonly cond: Command;
      readonly body: Command;
      readonly redirs: readonly Redirect[];
    }
  | {
      readonly type: 'for';
      readonly name: string;
      readonly items: readonly Word[] | undefined;
      readonly body: Command;
      readonly redirs: readonly Redirect[];
    }
  | {
      readonly type: 'case';
      readonly word: Word;
      readonly arms: readonly { readonly patterns: readonly Word[]; readonly body: Command | undefined }[];
      readonly redirs: readonly Redirect[];
    }
  | { readonly type: 'group'; readonly subshell: boolean; readonly body: Command; readonly redirs: readonly Redirect[] }
  | { readonly type: 'function'; readonly name: string; readonly body: Command };

export interface AndOrStep {
  readonly op: '&&' | '||';
  readonly cmd: Command;
}

export interface ListItem {
  readonly cmd: Command;
  readonly background: boolean;
}

/** A whole script: a list (possibly empty). */
export type Program = Extract<Command, { type: 'list' }>;
