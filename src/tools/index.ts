// The tools' public API: the seam, the registry and executor (where the policy lives), and the built-in tools.

import type { MemoryManager } from '../memory/index.js';
import { incidentsTool, logsTool, rolloutHistoryTool, topTool } from './k8s-insight-tools.js';
import { describeTool, eventsTool, getTool, listTool } from './k8s-read-tools.js';
import type { K8sToolsOptions } from './k8s-support.js';
import {
  applyTool,
  deletePodTool,
  patchTool,
  rolloutRestartTool,
  rolloutUndoTool,
  scaleTool,
  setImageTool,
  setResourcesTool,
} from './k8s-write-tools.js';
import { memorySearchTool } from './memory-search-tool.js';
import type { Tool } from './tool.js';

export {
  type ApprovalAnswer,
  type ApprovalRequest,
  type Approver,
  type AuditDecision,
  type AuditEntry,
  canonicalJson,
  DEFAULT_DENIED_NAMESPACES,
  type ExecutorOptions,
  ToolExecutor,
} from './executor.js';
export { type K8sToolsOptions, kindInfo } from './k8s-support.js';
export { describeChange } from './k8s-write-tools.js';
export { type KubectlCommand, parseKubectlCommand } from './kubectl-command.js';
export { type KubectlToolOptions, kubectlTool } from './kubectl-tool.js';
export { memorySearchTool } from './memory-search-tool.js';
export { capText, compactKubectlOutput, DEFAULT_MAX_CHARS, table, toYaml, trimObject } from './output.js';
export { type ToolFilter, ToolRegistry, toolSchema } from './registry.js';
export { splitShellWords } from './shell-words.js';
export type { Tool, ToolContext, ToolEffect, ToolErrorCode, ToolResult } from './tool.js';

export interface KubernetesToolsOptions extends K8sToolsOptions {
  /** Adds memory_search when given. */
  readonly memory?: MemoryManager;
}

/** Every built-in Kubernetes tool, reads first; filter by effect in the registry to give a role read-only tools. */
export function kubernetesTools(options: KubernetesToolsOptions): Tool[] {
  const tools = [
    listTool(options),
    getTool(options),
    describeTool(options),
    eventsTool(options),
    logsTool(options),
    topTool(options),
    rolloutHistoryTool(options),
    incidentsTool(options),
    ...(options.memory ? [memorySearchTool(options.memory, options.maxChars)] : []),
    patchTool(options),
    scaleTool(options),
    setImageTool(options),
    setResourcesTool(options),
    rolloutRestartTool(options),
    rolloutUndoTool(options),
    applyTool(options),
    deletePodTool(options),
  ];
  return tools as Tool[];
}
