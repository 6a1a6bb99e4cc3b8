// The STIX 2.1 patterning language (STIX 2.1 section 9): a lexer and recursive-descent parser that
// follow the OASIS ANTLR grammar (../shared/data/stix2/pattern_grammar/STIXPattern.g4) token for
// token, producing a typed tree. Pure, no dependencies: the grammar is small, and an ANTLR runtime
// would be a large dependency for it. Every operator of the grammar parses (conformance levels 1
// and 2 and the level-3 FOLLOWEDBY and qualifiers); an invalid pattern throws PatternError with the
// 1-based column of the offending token.
import { RE2JS } from 're2js';

export class PatternError extends Error {
  override name = 'PatternError';
  constructor(
    readonly reason: string,
    /** 1-based column of the error in the pattern. */
    readonly position: number,
  ) {
    super(`${reason} at position ${position}`);
  }
}

export type Literal =
  | { kind: 'string'; value: string }
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'binary'; value: string }
  | { kind: 'hex'; value: string }
  | { kind: 'timestamp'; value: string };

export type PathStep = string | number | '*';

export interface ObjectPath {
  type: string;
  /** Property names (dictionary keys included) and list indexes, `*` for any index. */
  steps: PathStep[];
}

export type ComparisonOp =
  | '='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | 'IN'
  | 'LIKE'
  | 'MATCHES'
  | 'ISSUBSET'
  | 'ISSUPERSET';

export type ComparisonExpression =
  | { kind: 'and' | 'or'; left: ComparisonExpression; right: ComparisonExpression }
  | { kind: 'compare'; path: ObjectPath; op: ComparisonOp; negated: boolean; value: Literal | Literal[] }
  | { kind: 'exists'; path: ObjectPath; negated: boolean };

export type Qualifier =
  | { kind: 'within'; seconds: number }
  | { kind: 'repeats'; times: number }
  | { kind: 'start-stop'; start: string; stop: string };

export type ObservationExpression =
  | { kind: 'observation'; comparison: ComparisonExpression }
  | { kind: 'and' | 'or' | 'followedby'; left: ObservationExpression; right: ObservationExpression }
  | { kind: 'qualified'; expression: ObservationExpression; qualifier: Qualifier };

// ---- lexer -------------------------------------------------------------------------------------

type TokenKind =
  | 'ident'
  | 'string'
  | 'int'
  | 'float'
  | 'bool'
  | 'binary'
  | 'hex'
  | 'timestamp'
  | 'keyword'
  | 'op'
  | 'punct'
  | 'eof';

interface Token {
  kind: TokenKind;
  text: string;
  /** Decoded value of string-like literals. */
  value?: string;
  pos: number;
}

const KEYWORDS = new Set([
  'AND',
  'OR',
  'NOT',
  'FOLLOWEDBY',
  'LIKE',
  'MATCHES',
  'ISSUPERSET',
  'ISSUBSET',
  'EXISTS',
  'LAST',
  'IN',
  'START',
  'STOP',
  'SECONDS',
  'WITHIN',
  'REPEATS',
  'TIMES',
]);

const TIMESTAMP =
  /^[0-9]{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?Z$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{4}|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2}==)$/;
// The grammar's whitespace set (vertical tab and form feed included, as the grammar lists them).
// biome-ignore lint/suspicious/noControlCharactersInRegex: the grammar's own whitespace characters.
const WS = /[ \t\r\n\u000B\u000C\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;

/** The longest patterns accepted: a pattern is a line of a detection rule, not a document. */
export const MAX_PATTERN_LENGTH = 64 * 1024;

// The lexer's helpers are module functions, not closures: a closure made on every call costs a
// name definition each time under tsx, and every validated indicator is lexed.

/** A lexing error at 0-based offset `at`. */
function lexFail(reason: string, at: number): never {
  throw new PatternError(reason, at + 1);
}

/** The string literal whose opening quote is src[start]; \' and \\ are the only escapes. */
function quotedAt(src: string, start: number): { end: number; value: string } {
  const n = src.length;
  let j = start + 1;
  let value = '';
  for (;;) {
    if (j >= n) lexFail('unterminated string literal', start);
    const c = src[j]!;
    if (c === '\\') {
      const d = src[j + 1];
      if (d !== "'" && d !== '\\') lexFail(`invalid escape \\${d ?? ''} in string literal`, j);
      value += d;
      j += 2;
      continue;
    }
    if (c === "'") return { end: j + 1, value };
    value += c;
    j++;
  }
}

function lex(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i]!;
    if (WS.test(c)) {
      i++;
      continue;
    }
    if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      if (end < 0) lexFail('unterminated comment', i);
      i = end + 2;
      continue;
    }
    if (c === '/' && src[i + 1] === '/') {
      while (i < n && src[i] !== '\n' && src[i] !== '\r') i++;
      continue;
    }
    const start = i;
    if ((c === 't' || c === 'h' || c === 'b') && src[i + 1] === "'") {
      const q = quotedAt(src, i + 1);
      const body = q.value;
      if (c === 't') {
        if (!TIMESTAMP.test(body)) lexFail(`invalid timestamp literal t'${body}'`, start);
        out.push({ kind: 'timestamp', text: src.slice(start, q.end), value: body, pos: start + 1 });
      } else if (c === 'h') {
        if (!/^(?:[0-9A-Fa-f]{2})*$/.test(body)) lexFail(`invalid hex literal h'${body}'`, start);
        out.push({ kind: 'hex', text: src.slice(start, q.end), value: body.toLowerCase(), pos: start + 1 });
      } else {
        if (!BASE64.test(body)) lexFail(`invalid binary (base64) literal b'${body}'`, start);
        out.push({ kind: 'binary', text: src.slice(start, q.end), value: body, pos: start + 1 });
      }
      i = q.end;
      continue;
    }
    if (c === "'") {
      const q = quotedAt(src, i);
      out.push({ kind: 'string', text: src.slice(start, q.end), value: q.value, pos: start + 1 });
      i = q.end;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_-]/.test(src[j]!)) j++;
      const text = src.slice(i, j);
      if (KEYWORDS.has(text)) out.push({ kind: 'keyword', text, pos: start + 1 });
      else if (text === 'true' || text === 'false') out.push({ kind: 'bool', text, pos: start + 1 });
      else out.push({ kind: 'ident', text, pos: start + 1 });
      i = j;
      continue;
    }
    // Only where a number can start: the regular expression is not tried on every punctuation mark.
    const num =
      /[0-9.]/.test(c) || ((c === '+' || c === '-') && /[0-9.]/.test(src[i + 1] ?? ''))
        ? /^[+-]?(?:[0-9]*\.[0-9]+|0|[1-9][0-9]*)/.exec(src.slice(i, i + 64))
        : null;
    if (num) {
      const text = num[0];
      out.push({ kind: text.includes('.') ? 'float' : 'int', text, pos: start + 1 });
      i += text.length;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (two === '==' || two === '!=' || two === '<>' || two === '<=' || two === '>=') {
      out.push({ kind: 'op', text: two === '==' ? '=' : two === '<>' ? '!=' : two, pos: start + 1 });
      i += 2;
      continue;
    }
    if (c === '=' || c === '<' || c === '>') {
      out.push({ kind: 'op', text: c, pos: start + 1 });
      i++;
      continue;
    }
    if ('[]():.,*'.includes(c)) {
      out.push({ kind: 'punct', text: c, pos: start + 1 });
      i++;
      continue;
    }
    lexFail(`unexpected character '${c}'`, i);
  }
  out.push({ kind: 'eof', text: '', pos: n + 1 });
  return out;
}

// ---- parser ------------------------------------------------------------------------------------

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  private get peek(): Token {
    return this.tokens[this.i]!;
  }
  private next(): Token {
    return this.tokens[this.i++]!;
  }
  private is(kind: TokenKind, text?: string): boolean {
    const t = this.peek;
    return t.kind === kind && (text === undefined || t.text === text);
  }
  private accept(kind: TokenKind, text?: string): Token | undefined {
    return this.is(kind, text) ? this.next() : undefined;
  }
  private expect(kind: TokenKind, text: string | undefined, what: string): Token {
    const t = this.accept(kind, text);
    if (!t) this.fail(`expected ${what}`);
    return t!;
  }
  fail(reason: string, t: Token = this.peek): never {
    const found = t.kind === 'eof' ? 'end of pattern' : `'${t.text}'`;
    throw new PatternError(`${reason}, found ${found}`, t.pos);
  }

  pattern(): ObservationExpression {
    const e = this.observationExpressions();
    if (!this.is('eof')) this.fail('expected AND, OR, FOLLOWEDBY, a qualifier or the end of the pattern');
    return e;
  }

  private observationExpressions(): ObservationExpression {
    let left = this.observationOr();
    while (this.accept('keyword', 'FOLLOWEDBY'))
      left = { kind: 'followedby', left, right: this.observationOr() };
    return left;
  }
  private observationOr(): ObservationExpression {
    let left = this.observationAnd();
    while (this.accept('keyword', 'OR')) left = { kind: 'or', left, right: this.observationAnd() };
    return left;
  }
  private observationAnd(): ObservationExpression {
    let left = this.observation();
    while (this.accept('keyword', 'AND')) left = { kind: 'and', left, right: this.observation() };
    return left;
  }
  private observation(): ObservationExpression {
    let e: ObservationExpression;
    if (this.accept('punct', '[')) {
      const open = this.tokens[this.i - 1]!;
      const comparison = this.comparisonOr();
      this.expect('punct', ']', "']' closing the observation expression");
      checkSameType(comparison, open.pos);
      e = { kind: 'observation', comparison };
    } else if (this.accept('punct', '(')) {
      e = this.observationExpressions();
      this.expect('punct', ')', "')'");
    } else {
      this.fail("expected '[' or '(' starting an observation expression");
    }
    for (;;) {
      const q = this.qualifier();
      if (!q) return e;
      e = { kind: 'qualified', expression: e, qualifier: q };
    }
  }
  private qualifier(): Qualifier | undefined {
    if (this.accept('keyword', 'WITHIN')) {
      const t = this.next();
      if ((t.kind !== 'int' && t.kind !== 'float') || t.text.startsWith('-') || Number(t.text) <= 0)
        this.fail('expected a positive number of seconds after WITHIN', t);
      this.expect('keyword', 'SECONDS', 'SECONDS');
      return { kind: 'within', seconds: Number(t.text) };
    }
    if (this.accept('keyword', 'REPEATS')) {
      const t = this.next();
      if (t.kind !== 'int' || t.text.startsWith('-') || Number(t.text) <= 0)
        this.fail('expected a positive integer after REPEATS', t);
      this.expect('keyword', 'TIMES', 'TIMES');
      return { kind: 'repeats', times: Number(t.text) };
    }
    if (this.accept('keyword', 'START')) {
      const start = this.expect('timestamp', undefined, "a timestamp literal t'…' after START");
      this.expect('keyword', 'STOP', 'STOP');
      const stop = this.expect('timestamp', undefined, "a timestamp literal t'…' after STOP");
      if (stop.value! <= start.value!) this.fail('STOP must be later than START', stop);
      return { kind: 'start-stop', start: start.value!, stop: stop.value! };
    }
    return undefined;
  }

  private comparisonOr(): ComparisonExpression {
    let left = this.comparisonAnd();
    while (this.accept('keyword', 'OR')) left = { kind: 'or', left, right: this.comparisonAnd() };
    return left;
  }
  private comparisonAnd(): ComparisonExpression {
    let left = this.propTest();
    while (this.accept('keyword', 'AND')) left = { kind: 'and', left, right: this.propTest() };
    return left;
  }
  private propTest(): ComparisonExpression {
    if (this.accept('punct', '(')) {
      const e = this.comparisonOr();
      this.expect('punct', ')', "')'");
      return e;
    }
    if (this.is('keyword', 'NOT') && this.tokens[this.i + 1]?.text === 'EXISTS') {
      this.next();
      this.next();
      return { kind: 'exists', path: this.objectPath(), negated: true };
    }
    if (this.accept('keyword', 'EXISTS')) return { kind: 'exists', path: this.objectPath(), negated: false };
    const path = this.objectPath();
    const negated = this.accept('keyword', 'NOT') !== undefined;
    const t = this.next();
    if (t.kind === 'op') {
      const op = t.text as ComparisonOp;
      if (op === '=' || op === '!=') return { kind: 'compare', path, op, negated, value: this.primitive() };
      return { kind: 'compare', path, op, negated, value: this.orderable() };
    }
    if (t.kind === 'keyword') {
      switch (t.text) {
        case 'IN':
          return { kind: 'compare', path, op: 'IN', negated, value: this.set() };
        case 'LIKE':
        case 'MATCHES':
        case 'ISSUBSET':
        case 'ISSUPERSET': {
          const s = this.expect('string', undefined, `a string literal after ${t.text}`);
          if (t.text === 'MATCHES') checkRegex(s);
          return { kind: 'compare', path, op: t.text, negated, value: { kind: 'string', value: s.value! } };
        }
      }
    }
    this.fail(
      'expected a comparison operator (=, !=, <, <=, >, >=, IN, LIKE, MATCHES, ISSUBSET, ISSUPERSET)',
      t,
    );
  }
  private objectPath(): ObjectPath {
    const typeTok = this.next();
    if (typeTok.kind !== 'ident') this.fail('expected an object type such as ipv4-addr', typeTok);
    if (!/^[a-z0-9][a-z0-9-]*[a-z0-9]$/.test(typeTok.text) || typeTok.text.includes('--'))
      this.fail('an object type is lowercase letters, digits and single hyphens', typeTok);
    this.expect('punct', ':', "':' after the object type");
    const steps: PathStep[] = [this.propertyName('a property name after the colon')];
    for (;;) {
      if (this.accept('punct', '.')) {
        steps.push(this.propertyName("a property name or a quoted key after '.'"));
      } else if (this.is('punct', '[') && this.isIndexStep()) {
        this.next();
        const t = this.next();
        if (t.kind === 'punct' && t.text === '*') steps.push('*');
        else if (t.kind === 'int') steps.push(Number(t.text));
        else this.fail('expected a list index or * inside [ ]', t);
        this.expect('punct', ']', "']' closing the list index");
      } else {
        return { type: typeTok.text, steps };
      }
    }
  }
  /** `[` after a path is a list index when an integer or `*` and `]` follow. */
  private isIndexStep(): boolean {
    const a = this.tokens[this.i + 1];
    const b = this.tokens[this.i + 2];
    return !!a && !!b && (a.kind === 'int' || a.text === '*') && b.text === ']';
  }
  private propertyName(what: string): string {
    const t = this.next();
    if (t.kind === 'string') return t.value!;
    if (t.kind === 'ident') {
      if (t.text.includes('-')) this.fail('a property name has no hyphen; quote it', t);
      return t.text;
    }
    // Keywords are valid property names only quoted; say so.
    this.fail(`expected ${what}`, t);
  }
  private primitive(): Literal {
    if (this.is('bool')) return { kind: 'bool', value: this.next().text === 'true' };
    return this.orderable();
  }
  private orderable(): Literal {
    const t = this.next();
    switch (t.kind) {
      case 'string':
      case 'binary':
      case 'hex':
      case 'timestamp':
        return { kind: t.kind, value: t.value! };
      case 'int':
        return { kind: 'int', value: Number(t.text) };
      case 'float':
        return { kind: 'float', value: Number(t.text) };
      default:
        this.fail('expected a literal (string, number, timestamp, binary or hex)', t);
    }
  }
  private set(): Literal[] {
    this.expect('punct', '(', "'(' starting the set after IN");
    const items: Literal[] = [];
    if (this.accept('punct', ')')) return items;
    do items.push(this.primitive());
    while (this.accept('punct', ','));
    this.expect('punct', ')', "',' or ')' in the set");
    return items;
  }
}

/** Comparisons joined by AND inside one observation describe one object: one type (STIX 2.1 9.5). */
function checkSameType(e: ComparisonExpression, pos: number): void {
  const typesOf = (x: ComparisonExpression): Set<string> => {
    if (x.kind === 'compare' || x.kind === 'exists') return new Set([x.path.type]);
    const l = typesOf(x.left);
    const r = typesOf(x.right);
    if (x.kind === 'and') {
      const all = new Set([...l, ...r]);
      if (all.size > 1)
        throw new PatternError(
          `comparisons joined by AND in one observation must be on one object type (${[...all].join(', ')})`,
          pos,
        );
    }
    return new Set([...l, ...r]);
  };
  typesOf(e);
}

/**
 * MATCHES takes a PCRE. Bulwark evaluates it with RE2 (re2js: linear time, no catastrophic
 * backtracking), so what RE2 cannot run (backreferences, lookaround) is refused here, at parse time.
 */
function checkRegex(t: Token): void {
  try {
    RE2JS.compile(t.value!);
  } catch (err) {
    throw new PatternError(
      `regular expression not accepted (linear-time RE2 syntax: no backreferences or lookaround): ${(err as Error).message}`,
      t.pos,
    );
  }
}

/** Parses a STIX 2.1 pattern; throws PatternError with the position of the first error. */
export function parsePattern(pattern: string): ObservationExpression {
  if (pattern.length > MAX_PATTERN_LENGTH)
    throw new PatternError(`pattern longer than ${MAX_PATTERN_LENGTH} characters`, MAX_PATTERN_LENGTH + 1);
  return new Parser(lex(pattern)).pattern();
}

/** Every comparison of a pattern, depth first (for compiling an index). */
export function* comparisonsOf(
  e: ObservationExpression | ComparisonExpression,
): Generator<ComparisonExpression> {
  switch (e.kind) {
    case 'observation':
      yield* comparisonsOf(e.comparison);
      return;
    case 'qualified':
      yield* comparisonsOf(e.expression);
      return;
    case 'compare':
    case 'exists':
      yield e;
      return;
    default:
      yield* comparisonsOf(e.left as ObservationExpression);
      yield* comparisonsOf(e.right as ObservationExpression);
  }
}
