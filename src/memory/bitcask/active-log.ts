import { fdatasync, fdatasyncSync, fsync, fsyncSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { type DataFile, dataFileName, type FileTable } from './data-file.js';
import { type BitcaskError, ioError } from './errors.js';
import type { SyncPolicy } from './types.js';

const STAGING_INITIAL = 256 * 1024;
// Within one turn, staged bytes past this are written out early so a long synchronous loop of puts stays bounded in
// memory; the turn's promise still resolves only at the end of the turn.
const STAGING_SOFT_CAP = 8 * 1024 * 1024;
const MAX_OFFSET = 0xffff_ffff;

interface Deferred {
  readonly promise: Promise<void>;
  resolve(): void;
  reject(err: BitcaskError): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (err: BitcaskError) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const RESOLVED = Promise.resolve();

export interface ActiveLogHost {
  readonly dir: string;
  readonly dirFd: number;
  readonly files: FileTable;
  readonly maxFileSize: number;
  readonly policy: SyncPolicy;
  /** Major id for a new active file. */
  nextMajor(): number;
}

/**
 * The append side of the store: one active file, records staged in memory during an event-loop turn and written
 * with one write at its end, and the sync policy deciding when the turn's shared promise resolves. Group commit
 * keeps at most one fdatasync in flight; everything written while it runs rides the next one, so the batch size
 * adapts to the disk's latency. After any write or sync failure the log is poisoned: every later write rejects
 * with that IO error, since what reached the disk is unknown until the store is reopened.
 */
export class ActiveLog {
  active: DataFile | undefined;
  staging = Buffer.allocUnsafe(STAGING_INITIAL);
  stagingLen = 0;
  failure: BitcaskError | undefined;
  private turn: Deferred | undefined;
  private scheduled = false;
  private waiters: Deferred[] = [];
  private readonly unsynced = new Set<DataFile>();
  private dirDirty = false;
  private syncing = false;
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(private readonly host: ActiveLogHost) {
    const p = host.policy;
    if (typeof p === 'object') {
      this.timer = setInterval(() => {
        if (!this.syncing && this.failure === undefined && (this.unsynced.size > 0 || this.dirDirty)) this.startSync();
      }, p.intervalMs);
      this.timer.unref();
    }
  }

  /**
   * Makes room for `bound` bytes of records and returns the staging position to encode them at. All records encoded
   * before the matching commit() land in the same file, so a batch never straddles two files.
   */
  reserve(bound: number): number {
    if (this.failure !== undefined) throw this.failure;
    const a = this.active;
    const used = a === undefined ? 0 : a.size + this.stagingLen;
    if (a === undefined || used >= this.host.maxFileSize || used + bound > MAX_OFFSET) this.rotate();
    if (this.stagingLen + bound > this.staging.length) {
      if (this.stagingLen > 0 && this.stagingLen + bound > STAGING_SOFT_CAP) this.writeStaging();
      if (bound > this.staging.length - this.stagingLen) {
        const next = Buffer.allocUnsafe(Math.max(this.staging.length * 2, this.stagingLen + bound));
        this.staging.copy(next, 0, 0, this.stagingLen);
        this.staging = next;
      }
    }
    return this.stagingLen;
  }

  /** File offset a record encoded at staging position pos will have. */
  fileOffset(pos: number): number {
    return this.active!.size + pos;
  }

  /** Publishes the records encoded up to staging position end; resolves per the sync policy. */
  commit(end: number): Promise<void> {
    this.stagingLen = end;
    if (this.host.policy === 'always') {
      this.writeStaging();
      this.syncNowBlocking();
      return RESOLVED;
    }
    if (this.turn === undefined) this.turn = deferred();
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.endTurn);
    }
    return this.turn.promise;
  }

  /** A copy of a record still staged in memory, if (file, off) is one; undefined when it is already on disk. */
  readStaged(file: DataFile, off: number, len: number): Buffer | undefined {
    if (file !== this.active || off < file.size) return undefined;
    const start = off - file.size;
    return Buffer.from(this.staging.subarray(start, start + len));
  }

  /** Closes the active file to writes: the next write starts a new file. Used by merge. */
  seal(): void {
    this.writeStaging();
    this.active = undefined;
  }

  /** Resolves once everything written or staged so far is fdatasync'd, whatever the policy. */
  sync(): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    this.endTurn();
    if (this.unsynced.size === 0 && !this.dirDirty && !this.syncing && this.waiters.length === 0) return RESOLVED;
    const d = deferred();
    this.waiters.push(d);
    if (!this.syncing) this.startSync();
    return d.promise;
  }

  /** Flushes and syncs what is pending; afterwards the log takes no more writes. */
  async close(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    if (this.failure !== undefined) return;
    await this.sync();
  }

  private readonly endTurn = (): void => {
    this.scheduled = false;
    const turn = this.turn;
    this.turn = undefined;
    try {
      this.writeStaging();
    } catch (err) {
      turn?.reject(err as BitcaskError);
      return;
    }
    if (turn === undefined) return;
    if (this.host.policy === 'group') {
      this.waiters.push(turn);
      if (!this.syncing) this.startSync();
    } else {
      turn.resolve();
    }
  };

  private startSync(): void {
    const waiters = this.waiters;
    this.waiters = [];
    const files = [...this.unsynced];
    this.unsynced.clear();
    const dir = this.dirDirty;
    this.dirDirty = false;
    this.syncing = true;
    let pending = files.length + (dir ? 1 : 0);
    let failed: unknown;
    const done = (err: unknown): void => {
      if (err !== null && err !== undefined) failed ??= err;
      if (--pending > 0) return;
      this.syncing = false;
      if (failed !== undefined) {
        this.poison(ioError('fdatasync failed', failed));
        for (const w of waiters) w.reject(this.failure!);
        return;
      }
      for (const w of waiters) w.resolve();
      if (this.waiters.length > 0) this.startSync();
    };
    if (pending === 0) {
      pending = 1;
      done(null);
      return;
    }
    for (const f of files) fdatasync(f.fd, done);
    if (dir) fsync(this.host.dirFd, done);
  }

  private syncNowBlocking(): void {
    try {
      for (const f of this.unsynced) fdatasyncSync(f.fd);
      if (this.dirDirty) fsyncSync(this.host.dirFd);
    } catch (err) {
      this.poison(ioError('fdatasync failed', err));
      throw this.failure;
    }
    this.unsynced.clear();
    this.dirDirty = false;
  }

  private rotate(): void {
    if (this.active !== undefined) this.writeStaging();
    const major = this.host.nextMajor();
    const name = dataFileName(major, 0);
    const path = join(this.host.dir, name);
    let fd: number;
    try {
      fd = openSync(path, 'wx+');
    } catch (err) {
      this.poison(ioError(`cannot create data file ${path}`, err, path));
      throw this.failure;
    }
    this.active = this.host.files.add(major, 0, name, fd, 0);
    this.dirDirty = true;
  }

  private writeStaging(): void {
    const a = this.active;
    const n = this.stagingLen;
    if (a === undefined || n === 0) return;
    try {
      let done = 0;
      while (done < n) done += writeSync(a.fd, this.staging, done, n - done, a.size + done);
    } catch (err) {
      this.poison(ioError(`write to ${a.name} failed`, err, a.name));
      throw this.failure;
    }
    a.size += n;
    this.stagingLen = 0;
    this.unsynced.add(a);
    if (this.staging.length > STAGING_SOFT_CAP) this.staging = Buffer.allocUnsafe(STAGING_INITIAL);
  }

  /** Stops the log taking writes: every later write rejects with err. */
  poison(err: BitcaskError): void {
    this.failure ??= err;
    const turn = this.turn;
    this.turn = undefined;
    turn?.reject(this.failure);
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.reject(this.failure);
  }
}
