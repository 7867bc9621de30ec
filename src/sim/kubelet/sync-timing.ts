// The rhythm of kubelet's pod syncs, shared by the pieces of the simulated kubelet.

/** PLEG relists containers every second: a container's exit or a failed pull is noticed within that. */
export const RELIST_MS = 1_000;
/** How often kubelet retries a container start that config, pull policy or a bad image name blocks. */
export const RETRY_MS = 10_000;
