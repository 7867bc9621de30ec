// One container's image pulls as kubelet's image manager does them: pull policy (IfNotPresent / Always /
// Never) against the node's images, the per-image pull back-off (ErrImagePull, then ImagePullBackOff), and
// the events and waiting reasons with kubelet's texts. A pull takes simulated time: about a second for a
// registry to say a tag is missing, size / 60 MB/s for a fresh image.

import { formatGoDuration } from '../../kube/go-duration.js';
import { defaultPullPolicy } from '../admission/pod-defaults.js';
import type { Container } from '../scheduler/pod-shape.js';
import type { Backoff } from './backoff.js';
import type { ContainerRuntime } from './container-runtime.js';
import type { ImageInfo, PullResult } from './images.js';
import { RELIST_MS, RETRY_MS } from './sync-timing.js';

export interface PullHost {
  readonly runtime: ContainerRuntime;
  readonly imageBackoff: Backoff;
  /** Images present on the node, by the reference the spec used. */
  readonly nodeImages: Map<string, ImageInfo>;
  podUid(): string;
  pullSecrets(): readonly string[];
  event(type: 'Normal' | 'Warning', reason: string, message: string): void;
  setWaiting(reason: string, message: string): void;
  /** True the first time a key is seen (events recorded once per back-off period). */
  once(key: string): boolean;
}

export type Pulled = { readonly image: ImageInfo } | { readonly wait: number };

export class ImagePuller {
  private pull: { readonly untilMs: number; readonly startedMs: number; readonly result: PullResult } | undefined;

  constructor(private readonly host: PullHost) {}

  /** Forgets a pull in progress (the image changed or the container stopped for good). */
  cancel(): void {
    this.pull = undefined;
  }

  private finish(ref: string, key: string, nowMs: number): Pulled {
    const { result, startedMs, untilMs } = this.pull!;
    this.pull = undefined;
    const host = this.host;
    if (!result.ok) {
      host.imageBackoff.next(key, nowMs, nowMs);
      host.event('Warning', 'Failed', result.message);
      host.event('Warning', 'Failed', 'Error: ErrImagePull');
      host.setWaiting('ErrImagePull', result.message.replace(/^Failed to pull image "[^"]*": /, ''));
      return { wait: nowMs + RELIST_MS };
    }
    host.nodeImages.set(ref, result.image);
    const took = formatGoDuration(untilMs - startedMs);
    host.event(
      'Normal',
      'Pulled',
      `Successfully pulled image "${ref}" in ${took} (${took} including waiting). Image size: ${result.image.sizeBytes} bytes.`,
    );
    return { image: result.image };
  }

  /** The image to run, or when to come back (pulling, backing off, blocked by policy). */
  ensure(spec: Container, nowMs: number): Pulled {
    const host = this.host;
    const ref = spec.image ?? '';
    const key = `${host.podUid()}_${ref}`;
    if (this.pull) return nowMs < this.pull.untilMs ? { wait: this.pull.untilMs } : this.finish(ref, key, nowMs);
    const policy = spec.imagePullPolicy ?? defaultPullPolicy(ref);
    const present = host.nodeImages.get(ref);
    if (present && policy !== 'Always') {
      host.event('Normal', 'Pulled', `Container image "${ref}" already present on machine`);
      return { image: present };
    }
    if (policy === 'Never') {
      const message = `Container image "${ref}" is not present with pull policy of Never`;
      host.setWaiting('ErrImageNeverPull', message);
      host.event('Warning', 'ErrImageNeverPull', message);
      host.event('Warning', 'Failed', 'Error: ErrImageNeverPull');
      return { wait: nowMs + RETRY_MS };
    }
    const backoff = host.imageBackoff;
    if (backoff.isInBackOffSinceUpdate(key, nowMs)) {
      const message = `Back-off pulling image "${ref}"`;
      host.setWaiting('ImagePullBackOff', message);
      const since = backoff.lastUpdate(key) ?? nowMs;
      if (host.once(`pull:${since}`)) {
        host.event('Normal', 'BackOff', message);
        host.event('Warning', 'Failed', 'Error: ImagePullBackOff');
      }
      return { wait: since + backoff.get(key) };
    }
    const result = host.runtime.pull(ref, host.pullSecrets());
    if (!result.ok && result.reason === 'InvalidImageName') {
      host.setWaiting('InvalidImageName', result.message);
      host.event('Warning', 'InspectFailed', result.message);
      host.event('Warning', 'Failed', 'Error: InvalidImageName');
      return { wait: nowMs + RETRY_MS };
    }
    host.event('Normal', 'Pulling', `Pulling image "${ref}"`);
    // A re-pull of layers the node already has (policy Always) is quick.
    const took = !result.ok
      ? 600
      : present
        ? 250 + (result.image.sizeBytes % 400)
        : Math.round(400 + result.image.sizeBytes / 60_000);
    // The status keeps its last reason while the pull runs, as kubelet reports only after a sync finishes.
    this.pull = { untilMs: nowMs + took, startedMs: nowMs, result };
    return { wait: nowMs + took };
  }
}
