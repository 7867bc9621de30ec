// Decides whether a name (an env var, a config key, a header) names a credential. Shared by the text and the
// object redactors so that `DB_PASSWORD=x` in a log line and `{name: DB_PASSWORD, value: x}` in a pod spec agree.

// Matched anywhere inside a word: `MYSQLPASSWORD`, `githubToken` and `client_secret` are all credentials.
const STRONG = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'credential',
  'apikey',
  'privatekey',
  'accesskey',
];
// Matched only as a whole word, because as substrings they are everywhere (`author`, `bypass`).
const WEAK = new Set(['auth', 'oauth', 'authorization', 'pass', 'pwd', 'cookie']);
// A credential word followed by one of these names something about the credential, not the credential itself:
// `secretName: db-creds`, `TOKEN_FILE=/var/run/token`, `PASSWORD_MIN_LENGTH=12`.
const DESCRIPTIVE_SUFFIX = new Set([
  'name',
  'names',
  'ref',
  'file',
  'path',
  'dir',
  'type',
  'kind',
  'length',
  'len',
  'count',
  'ttl',
  'expiry',
  'expires',
  'expiration',
  'enabled',
  'required',
  'policy',
  'url',
  'uri',
  'host',
  'port',
  'endpoint',
  'mode',
]);
// Shell variables that merely look like credentials.
const NOT_CREDENTIALS = new Set(['pwd', 'oldpwd']);

function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
}

/** True when `name` looks like it holds a secret value (password, token, API key, private key, ...). */
export function isCredentialName(name: string): boolean {
  if (NOT_CREDENTIALS.has(name.toLowerCase())) return false;
  const ws = words(name);
  const last = ws[ws.length - 1];
  if (last === undefined || (ws.length > 1 && DESCRIPTIVE_SUFFIX.has(last))) return false;
  // Adjacent pairs catch `api_key`, `private-key`, `accessKey` split into two words.
  const joined = ws.map((w, i) => w + (ws[i + 1] ?? ''));
  return ws.some((w) => WEAK.has(w)) || [...ws, ...joined].some((w) => STRONG.some((strong) => w.includes(strong)));
}
