import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Command, Word } from '../../../src/sim/kubelet/shell/ast.js';
import { parseScript } from '../../../src/sim/kubelet/shell/parser.js';

function program(src: string) {
  const r = parseScript(src);
  if (!r.ok) assert.fail(`should parse: ${src} (${JSON.stringify(r.error.detail)})`);
  return r.program;
}

function first(src: string): Command {
  const cmd = program(src).items[0]?.cmd;
  assert.ok(cmd, 'one command');
  return cmd;
}

function literal(word: Word | undefined): string {
  return (word?.parts ?? []).map((p) => (p.type === 'lit' ? p.text : `<${p.type}>`)).join('');
}

function simpleWords(src: string): string[] {
  const cmd = first(src);
  assert.equal(cmd.type, 'simple');
  return cmd.type === 'simple' ? cmd.words.map(literal) : [];
}

function syntaxError(src: string) {
  const r = parseScript(src);
  if (r.ok) assert.fail(`should not parse: ${src}`);
  return r.error;
}

describe('shell tokenizer', () => {
  it('removes quotes and keeps what they protect', () => {
    assert.deepEqual(simpleWords(`echo 'a  b' "c  d" e\\ f 'it'"'"'s'`), ['echo', 'a  b', 'c  d', 'e f', "it's"]);
  });

  it('keeps quotedness per part so expansion can decide what to split', () => {
    const cmd = first(`echo "$A" $B "x\${C:-d e}y"`);
    assert.equal(cmd.type, 'simple');
    if (cmd.type !== 'simple') return;
    const [, a, b, c] = cmd.words;
    assert.deepEqual(a?.parts, [{ type: 'param', name: 'A', quoted: true }]);
    assert.deepEqual(b?.parts, [{ type: 'param', name: 'B', quoted: false }]);
    const param = c?.parts[1];
    assert.equal(param?.type, 'param');
    if (param?.type === 'param') {
      assert.equal(param.op, ':-');
      assert.deepEqual(param.arg?.parts, [{ type: 'lit', text: 'd e', quoted: true }]);
    }
  });

  it('parses escapes inside double quotes only for $ ` " \\', () => {
    assert.deepEqual(simpleWords('echo "a\\$b \\n \\" \\\\"'), ['echo', 'a$b \\n " \\']);
  });

  it('structures command substitution, backquotes and arithmetic', () => {
    const cmd = first('echo $(echo "(nested)" $(date)) `hostname` $((1 + (2 * 3)))');
    assert.equal(cmd.type, 'simple');
    if (cmd.type !== 'simple') return;
    const types = cmd.words.slice(1).map((w) => w.parts[0]?.type);
    assert.deepEqual(types, ['cmdsub', 'cmdsub', 'arith']);
    const sub = cmd.words[1]?.parts[0];
    assert.equal(sub?.type === 'cmdsub' ? sub.source : '', 'echo "(nested)" $(date)');
  });

  it('reads IO numbers and here-documents', () => {
    const cmd = first('cat <<-EOF 2>/dev/null >&2\n\tline $X\n\tEOF\n');
    assert.equal(cmd.type, 'simple');
    if (cmd.type !== 'simple') return;
    assert.deepEqual(
      cmd.redirs.map((r) => [r.op, r.fd, literal(r.target)]),
      [
        ['<<-', undefined, 'EOF'],
        ['>', 2, '/dev/null'],
        ['>&', undefined, '2'],
      ],
    );
    const body = cmd.redirs[0]?.heredoc?.body.parts;
    assert.deepEqual(body?.[0], { type: 'lit', text: 'line ', quoted: true });
    assert.equal(body?.[1]?.type, 'param');
  });

  it('treats # as a comment only at the start of a word', () => {
    assert.deepEqual(simpleWords('echo a#b # comment'), ['echo', 'a#b']);
  });
});

describe('shell parser', () => {
  it('builds and-or lists with their operators', () => {
    const cmd = first('[ -z "$DB_HOST" ] && echo "DB_HOST not set" >&2 && exit 1 || true');
    assert.equal(cmd.type, 'andor');
    if (cmd.type === 'andor')
      assert.deepEqual(
        cmd.rest.map((s) => s.op),
        ['&&', '&&', '||'],
      );
  });

  it('parses nested if/elif/else and loops', () => {
    const cmd = first('if a; then if b; then c; fi; elif d\nthen e\nelse\n  while :; do f; done\nfi');
    assert.equal(cmd.type, 'if');
    if (cmd.type !== 'if') return;
    assert.equal(cmd.clauses.length, 2);
    assert.equal(cmd.clauses[0]?.body.type, 'list');
    const otherwise = cmd.otherwise;
    assert.equal(otherwise?.type === 'list' ? otherwise.items[0]?.cmd.type : undefined, 'loop');
  });

  it('parses for, case, functions, groups, subshells, pipelines and background jobs', () => {
    const p = program(
      'for x in a "b c"; do echo $x; done\ncase $1 in a|b) x;; *) y;; esac\nf() { g; }\n( h ) | i &\n! j',
    );
    assert.deepEqual(
      p.items.map((i) => i.cmd.type),
      ['for', 'case', 'function', 'pipeline', 'pipeline'],
    );
    assert.equal(p.items[3]?.background, true);
    const neg = p.items[4]?.cmd;
    assert.equal(neg?.type === 'pipeline' && neg.negate, true);
  });

  it('keeps && and || inside [[ ]] as test operands', () => {
    assert.deepEqual(simpleWords('[[ -n $a && $b == x* ]]'), [
      '[[',
      '-n',
      '<param>',
      '&&',
      '<param>',
      '==',
      'x*',
      ']]',
    ]);
  });

  it('separates assignments from words only before the command name', () => {
    const cmd = first('A=1 B="two words" env C=3');
    assert.equal(cmd.type, 'simple');
    if (cmd.type !== 'simple') return;
    assert.deepEqual(
      cmd.assigns.map((a) => [a.name, literal(a.value)]),
      [
        ['A', '1'],
        ['B', 'two words'],
      ],
    );
    assert.deepEqual(cmd.words.map(literal), ['env', 'C=3']);
  });

  it('reports syntax errors with the token and line', () => {
    assert.deepEqual(syntaxError('if true; then echo hi').detail, { kind: 'eof', expecting: 'fi' });
    const unexpected = syntaxError('echo a\necho b; fi');
    assert.deepEqual(unexpected.detail, { kind: 'unexpected', token: 'fi' });
    assert.equal(unexpected.line, 2);
    assert.deepEqual(syntaxError('echo "abc').detail, { kind: 'unterminated', quote: '"' });
    assert.deepEqual(syntaxError("echo 'abc").detail, { kind: 'unterminated', quote: "'" });
    assert.deepEqual(syntaxError('echo $(date').detail, { kind: 'unterminated', quote: '$(' });
    assert.equal(syntaxError('&& echo').detail.kind, 'unexpected');
    assert.equal(syntaxError(`echo \${a!}`).detail.kind, 'bad-substitution');
    assert.deepEqual(syntaxError('while true; do done').detail, { kind: 'unexpected', token: 'done' });
  });

  it('joins backslash-newline continuations', () => {
    assert.deepEqual(simpleWords('echo one \\\n  two'), ['echo', 'one', 'two']);
  });
});
