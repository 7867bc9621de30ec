// One tokenizer for indexing and querying, so both sides always agree. English: NFKC, lowercase, split on anything that is not a
// letter or digit, a light plural stemmer; camelCase words (and the lowercase forms of Kubernetes' compound reasons) yield both
// the whole word and its parts, so "OOMKilled", "oomkilled" and "oom" meet. Chinese (and other CJK scripts) has no spaces and we
// want no dictionary: each run yields its characters and its character bigrams, which is how CJK search engines work without one.

const CJK_RUN = /([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+)/u;
const WORD = /[\p{L}\p{N}]+/gu;
const CAMEL_BOUNDARY = /(?<=[\p{Ll}\p{N}])(?=\p{Lu})|(?<=\p{Lu})(?=\p{Lu}\p{Ll})/u;
const DIGITS = /^\p{N}+$/u;

const STOP_WORDS = new Set(
  'a an and are as at be by for from has have in is it its of on or that the this to was were with'.split(' '),
);

/** Compound reasons Kubernetes prints in lowercase too (events, logs): split them as their camelCase form would be. */
const K8S_COMPOUNDS: ReadonlyMap<string, readonly string[]> = new Map([
  ['crashloopbackoff', ['crash', 'loop', 'back', 'off']],
  ['imagepullbackoff', ['image', 'pull', 'back', 'off']],
  ['errimagepull', ['err', 'image', 'pull']],
  ['errimageneverpull', ['err', 'image', 'never', 'pull']],
  ['invalidimagename', ['invalid', 'image', 'name']],
  ['oomkilled', ['oom', 'killed']],
  ['createcontainerconfigerror', ['create', 'container', 'config', 'error']],
  ['createcontainererror', ['create', 'container', 'error']],
  ['runcontainererror', ['run', 'container', 'error']],
  ['containercreating', ['container', 'creating']],
  ['failedscheduling', ['failed', 'scheduling']],
  ['failedmount', ['failed', 'mount']],
  ['deadlineexceeded', ['deadline', 'exceeded']],
  ['backoff', ['back', 'off']],
]);

/** Harman's S-stemmer: folds the common English plurals and nothing else, so it can rarely hurt. */
function stem(word: string): string {
  if (word.length <= 3 || DIGITS.test(word)) return word;
  if (word.endsWith('ies') && !word.endsWith('eies') && !word.endsWith('aies')) return `${word.slice(0, -3)}y`;
  if (word.endsWith('es') && !/[aeo]es$/.test(word)) return word.slice(0, -1);
  if (word.endsWith('s') && !word.endsWith('us') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

function wordTerms(word: string, out: string[]): void {
  const whole = word.toLowerCase();
  const camelParts = word.split(CAMEL_BOUNDARY);
  const parts = camelParts.length > 1 ? camelParts.map((p) => p.toLowerCase()) : (K8S_COMPOUNDS.get(whole) ?? []);
  for (const term of [whole, ...parts]) {
    if (!STOP_WORDS.has(term)) out.push(stem(term));
  }
}

function cjkTerms(run: string, out: string[]): void {
  const chars = Array.from(run);
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i] as string;
    out.push(char);
    const next = chars[i + 1];
    if (next !== undefined) out.push(char + next);
  }
}

/** Terms of `text` in order, duplicates kept (term frequency matters). */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  const pieces = text.normalize('NFKC').split(CJK_RUN);
  pieces.forEach((piece, i) => {
    // split() with a capturing group puts the CJK runs at the odd indexes.
    if (i % 2 === 1) cjkTerms(piece, out);
    else for (const match of piece.matchAll(WORD)) wordTerms(match[0], out);
  });
  return out;
}
