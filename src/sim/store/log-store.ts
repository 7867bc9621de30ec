// Container logs the simulated kubelet writes and `pods/{name}/log` serves: the current instance and the
// previous one per container (what `kubectl logs --previous` reads), bounded so a chatty loop cannot grow
// without limit, with subscribers for `follow=true` streams.

export interface LogLine {
  readonly time: Date;
  readonly text: string;
}

interface ContainerLog {
  current: LogLine[];
  previous: LogLine[] | undefined;
}

export type LogFollower = (line: LogLine) => void;

const MAX_LINES = 5_000;

export class LogStore {
  private readonly logs = new Map<string, ContainerLog>();
  private readonly followers = new Map<string, Set<LogFollower>>();

  private key(namespace: string, pod: string, container: string): string {
    return `${namespace}/${pod}/${container}`;
  }

  append(namespace: string, pod: string, container: string, text: string, time: Date): void {
    const k = this.key(namespace, pod, container);
    let log = this.logs.get(k);
    if (!log) {
      log = { current: [], previous: undefined };
      this.logs.set(k, log);
    }
    const line = { time, text };
    log.current.push(line);
    if (log.current.length > MAX_LINES) log.current.splice(0, log.current.length - MAX_LINES);
    for (const f of this.followers.get(k) ?? []) f(line);
  }

  /** A container restarted: its current log becomes the previous one. */
  rotate(namespace: string, pod: string, container: string): void {
    const log = this.logs.get(this.key(namespace, pod, container));
    if (!log) return;
    log.previous = log.current;
    log.current = [];
  }

  read(namespace: string, pod: string, container: string, previous: boolean): readonly LogLine[] | undefined {
    const log = this.logs.get(this.key(namespace, pod, container));
    if (!log) return previous ? undefined : [];
    return previous ? log.previous : log.current;
  }

  hasPrevious(namespace: string, pod: string, container: string): boolean {
    return this.logs.get(this.key(namespace, pod, container))?.previous !== undefined;
  }

  follow(namespace: string, pod: string, container: string, f: LogFollower): () => void {
    const k = this.key(namespace, pod, container);
    let set = this.followers.get(k);
    if (!set) {
      set = new Set();
      this.followers.set(k, set);
    }
    set.add(f);
    return () => set.delete(f);
  }

  /** Drops every log of a deleted pod. */
  forgetPod(namespace: string, pod: string): void {
    const prefix = `${namespace}/${pod}/`;
    for (const k of this.logs.keys()) if (k.startsWith(prefix)) this.logs.delete(k);
  }
}
