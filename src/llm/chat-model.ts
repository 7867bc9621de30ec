// The one seam between kubemend and any language model: messages and tool schemas in; streamed text, tool
// calls and token usage out. Providers (OpenAI-compatible, builtin rules, scripted) implement this and
// nothing else; agents never see a provider's SDK. Types only, versioned like the AI SDK's provider spec.

export const CHAT_MODEL_SPEC = 'kubemend.chat/v1' as const;

export type ChatRole = 'system' | 'user' | 'assistant' | 'tool';

export interface ToolCall {
  /** Provider-assigned id, echoed back on the tool result message. */
  readonly id: string;
  readonly name: string;
  /** The raw argument text as the model produced it: parsing (and reporting bad JSON back) is the runtime's job. */
  readonly arguments: string;
}

export type ChatMessage =
  | { readonly role: 'system'; readonly content: string }
  | { readonly role: 'user'; readonly content: string }
  | { readonly role: 'assistant'; readonly content: string; readonly toolCalls?: readonly ToolCall[] }
  | { readonly role: 'tool'; readonly toolCallId: string; readonly name: string; readonly content: string };

/** A tool as the model sees it: name, description, JSON Schema of its parameters. */
export interface ToolSchema {
  readonly name: string;
  readonly description: string;
  readonly parameters: Readonly<Record<string, unknown>>;
}

export interface TokenUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
  /** True when the provider reported no usage and these are kubemend's estimates (characters, not a tokenizer). */
  readonly estimated?: boolean;
}

export interface ChatRequest {
  readonly messages: readonly ChatMessage[];
  readonly tools?: readonly ToolSchema[];
  /** 'none' withholds tools (the last ReAct step forces an answer). */
  readonly toolChoice?: 'auto' | 'none';
  readonly temperature?: number;
  readonly maxTokens?: number;
  readonly signal?: AbortSignal;
}

/** What a streaming call yields, in order; exactly one `finish` or `error` ends it. */
export type ChatChunk =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'tool-call'; readonly call: ToolCall }
  | { readonly type: 'finish'; readonly reason: 'stop' | 'tool-calls' | 'length'; readonly usage: TokenUsage }
  | { readonly type: 'error'; readonly error: ModelError };

export type ModelErrorCode =
  | 'RATE_LIMITED' // 429 after retries
  | 'SERVER_ERROR' // 5xx after retries
  | 'TIMEOUT'
  | 'CANCELLED'
  | 'AUTH' // 401/403: a key problem a person must fix
  | 'BAD_REQUEST' // 400/404/422: model id or request shape
  | 'UNREACHABLE'
  | 'BAD_RESPONSE'; // the provider answered something that is not a chat completion

export interface ModelError {
  readonly code: ModelErrorCode;
  readonly message: string;
  /** For RATE_LIMITED: what the provider asked us to wait. */
  readonly retryAfterMs?: number;
}

export interface ChatModel {
  readonly spec: typeof CHAT_MODEL_SPEC;
  /** Configured name, e.g. "deepseek" or "builtin". */
  readonly name: string;
  /** The provider's model id, e.g. "qwen-plus"; configuration, never code. */
  readonly modelId: string;
  /** 'llm' for real language models; 'rules' for the builtin deterministic model (never presented as an LLM). */
  readonly kind: 'llm' | 'rules' | 'scripted';
  stream(request: ChatRequest): AsyncIterable<ChatChunk>;
}
