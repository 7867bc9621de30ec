// The flags every command that talks to a cluster shares, spelled as kubectl spells them.

export const CLUSTER_FLAGS = {
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  namespace: { type: 'string', short: 'n' },
} as const;
