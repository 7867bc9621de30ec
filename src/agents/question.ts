// What a question is about: "what's wrong with pod X", "why is deployment Y failing in shop", "web -n shop".
// Used by the builtin model to pick its tool calls; an LLM reads the question itself.

export interface QuestionTarget {
  readonly kind?: string;
  readonly name?: string;
  readonly namespace?: string;
}

const KIND_WORDS =
  'pod|po|deployment|deploy|statefulset|sts|daemonset|ds|replicaset|rs|job|cronjob|cj|service|svc|pvc|persistentvolumeclaim|node';
const NAME = '[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?';
const STOP = new Set([
  'the',
  'my',
  'a',
  'an',
  'it',
  'this',
  'that',
  'namespace',
  'cluster',
  'wrong',
  'failing',
  'broken',
]);

function namespaceOf(q: string): string | undefined {
  return (
    new RegExp(`(?:-n|--namespace)[ =](${NAME})`).exec(q)?.[1] ??
    new RegExp(`\\bnamespace (${NAME})`).exec(q)?.[1] ??
    new RegExp(`\\bin (?:the )?(${NAME}) namespace`).exec(q)?.[1] ??
    new RegExp(`\\b(?:in|from) (${NAME})\\s*[?.!]*$`).exec(q)?.[1]
  );
}

export function parseQuestion(question: string): QuestionTarget {
  const q = question
    .toLowerCase()
    .replace(/[`"'“”‘’]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const namespace = namespaceOf(q);
  const slash = new RegExp(`\\b(${KIND_WORDS})/(${NAME})`).exec(q);
  const typed = slash ?? new RegExp(`\\b(${KIND_WORDS}) (?:named |called )?(${NAME})`).exec(q);
  const ns = (t: QuestionTarget): QuestionTarget => (namespace ? { ...t, namespace } : t);
  if (typed?.[2] && !STOP.has(typed[2])) return ns({ kind: typed[1], name: typed[2] });
  // "is web-7d4 in shop healthy", "the memory-hog pod": a name followed by its kind.
  const after = new RegExp(`\\b(${NAME}) (${KIND_WORDS})\\b`).exec(q);
  if (after?.[1] && !STOP.has(after[1])) return ns({ kind: after[2], name: after[1] });
  const loose = new RegExp(`(?:wrong with|is|happened to|about|check|debug) (?:the )?(${NAME})`).exec(q);
  if (loose?.[1] && !STOP.has(loose[1]) && loose[1] !== namespace) return ns({ name: loose[1] });
  return ns({});
}
