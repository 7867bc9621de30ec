import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { BitcaskError, ioError } from './errors.js';

const LOCK_FILE = 'LOCK';

export interface StoreLock {
  release(): void;
}

/**
 * Takes the store's writer lock: a pid file created with O_EXCL. Node has no portable flock, and a pid file also
 * tells the person reading the error which process holds the store. A lock whose pid no longer exists (the holder
 * was killed) is reclaimed. Known limits: a reused pid keeps a stale lock looking alive (the error names the pid, so
 * a person can check and delete LOCK), and two processes reclaiming the same stale lock at the same instant are
 * narrowed, not excluded, by re-reading the pid before unlinking.
 */
export function acquireLock(dir: string): StoreLock {
  const path = join(dir, LOCK_FILE);
  let emptySeen = 0;
  for (let attempt = 0; attempt < 10; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw ioError(`cannot create lock ${path}`, err, path);
      const holder = readHolder(path);
      if (holder === 'gone') continue;
      if (holder === undefined && emptySeen++ < 3) {
        // Maybe a writer between its create and its write of the pid: give it a moment before calling it stale.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
        continue;
      }
      if (holder !== undefined && isAlive(holder)) {
        const who = holder === process.pid ? 'this process (already open)' : `pid ${holder}`;
        throw new BitcaskError(
          'LOCKED',
          `bitcask store ${dir} is locked by ${who}; only one writer may open it (read-only opens are allowed)`,
          { file: path },
        );
      }
      // Stale (dead pid, or a file left empty by a crash between create and write): take it over, but only if it
      // still names the same holder, so a lock just re-taken by another reclaimer is left alone.
      if (readHolder(path) === holder) {
        try {
          unlinkSync(path);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
            throw ioError(`cannot remove stale lock ${path}`, e, path);
        }
      }
      continue;
    }
    try {
      writeSync(fd, `${process.pid}\n`);
    } finally {
      closeSync(fd);
    }
    return { release: () => releaseLock(path) };
  }
  throw new BitcaskError('LOCKED', `bitcask store ${dir}: could not take the lock ${path} (contended)`, { file: path });
}

function releaseLock(path: string): void {
  if (readHolder(path) !== process.pid) return;
  try {
    unlinkSync(path);
  } catch {
    // Already gone: nothing to release.
  }
}

/** The pid in the lock file, undefined when it holds no pid, 'gone' when the file vanished meanwhile. */
function readHolder(path: string): number | undefined | 'gone' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw ioError(`cannot read lock ${path}`, err, path);
  }
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
