// The one redaction primitive for everything that leaves the process: LLM prompts, logs, notifications, analyzer output.
export { isCredentialName } from './credential-names.js';
export { redactObject } from './redact-object.js';
export { MIN_KNOWN_LENGTH, REDACTED, type Redacted, type RedactOptions, redactText } from './redact-text.js';
