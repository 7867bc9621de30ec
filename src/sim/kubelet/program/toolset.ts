// Which executables an image ships, and in which dialect its tools complain. A busybox image has `wget` but
// no `curl` or `bash`; a Debian image has `bash` but no `wget`; an image the model does not know is assumed to
// have whatever its command needs (it is the user's image, built for that command).

import type { ImageBase, ImageInfo } from '../images.js';
import { own } from './own.js';
import { basename, dirname } from './vfs.js';

export type ShellFlavour = 'ash' | 'dash' | 'bash';
export type ToolStyle = 'busybox' | 'gnu';

export interface Toolset {
  readonly style: ToolStyle;
  /** What `/bin/sh` is; undefined for images without a shell (distroless, scratch). */
  readonly sh: ShellFlavour | undefined;
  /** An unknown image: commands the model does not implement are assumed to exist and succeed. */
  readonly permissive: boolean;
  /** Whether a command name (no slash) is on PATH. */
  has(name: string): boolean;
  /** Whether an absolute path is an executable the image ships. */
  hasPath(path: string): boolean;
  /** Where `command -v` finds a name. */
  pathOf(name: string): string | undefined;
  /** Part of the image's userland (coreutils, busybox applets) rather than something the image added. */
  isBaseTool(name: string): boolean;
}

const COMMON = (
  'sh echo printf cat sleep date env printenv ls mkdir touch rm rmdir cp mv head tail wc grep egrep fgrep sed awk tr cut ' +
  'sort uniq hostname whoami id uname seq basename dirname test [ true false yes tee expr find xargs chmod chown ' +
  'ln pwd stat df du timeout nohup nice readlink realpath mktemp install base64 md5sum sha256sum tac sync kill ' +
  'tar gzip gunzip zcat mount umount which'
).split(' ');

const BUSYBOX_ONLY = (
  'ash [[ wget nc nslookup ping ps free top uptime vi httpd telnet ifconfig ip netstat hexdump od less more ' +
  'usleep watch logger rev dmesg clear reset busybox'
).split(' ');

const GNU_ONLY = 'bash dash rbash getent hostid nproc numfmt shuf stdbuf truncate'.split(' ');

const EXTRA_PATHS: Readonly<Record<string, string>> = {
  nginx: '/usr/sbin/nginx',
  'nginx-debug': '/usr/sbin/nginx-debug',
  mysqld: '/usr/sbin/mysqld',
  httpd: '/usr/local/apache2/bin/httpd',
  apachectl: '/usr/local/apache2/bin/apachectl',
  curl: '/usr/bin/curl',
  git: '/usr/bin/git',
  gosu: '/usr/local/bin/gosu',
};

const BIN_DIRS = new Set(['/bin', '/usr/bin', '/sbin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin']);

function shellOf(base: ImageBase | undefined): ShellFlavour | undefined {
  if (base === 'busybox' || base === 'alpine') return 'ash';
  if (base === 'scratch') return undefined;
  if (base === 'oraclelinux') return 'bash';
  return 'dash';
}

export function toolsetFor(image: ImageInfo): Toolset {
  const base = image.base;
  const permissive = base === undefined;
  const style: ToolStyle = base === 'busybox' || base === 'alpine' ? 'busybox' : 'gnu';
  const names = new Set<string>();
  const paths = new Map<string, string>();
  if (base !== 'scratch') {
    for (const n of COMMON) names.add(n);
    for (const n of style === 'busybox' ? BUSYBOX_ONLY : GNU_ONLY) names.add(n);
    if (base === 'alpine') names.add('apk');
    if (base === 'oraclelinux') names.delete('dash');
  }
  for (const b of image.binaries ?? []) {
    if (b.startsWith('/')) {
      paths.set(basename(b), b);
      names.add(basename(b));
    } else names.add(b);
  }
  const dirFor = style === 'busybox' ? '/bin' : '/usr/bin';
  const pathOf = (name: string): string | undefined => {
    if (!names.has(name) && !permissive) return undefined;
    const fromBase = COMMON.includes(name) || BUSYBOX_ONLY.includes(name) || GNU_ONLY.includes(name);
    return paths.get(name) ?? own(EXTRA_PATHS, name) ?? (fromBase ? `${dirFor}/${name}` : `/usr/local/bin/${name}`);
  };
  return {
    style,
    sh: shellOf(base),
    permissive,
    has: (name) => permissive || names.has(name),
    hasPath: (path) => {
      if (permissive) return true;
      const name = basename(path);
      if (!names.has(name)) return false;
      return pathOf(name) === path || (!paths.has(name) && BIN_DIRS.has(dirname(path)));
    },
    pathOf,
    isBaseTool: (name) =>
      !permissive &&
      base !== 'scratch' &&
      (COMMON.includes(name) || BUSYBOX_ONLY.includes(name) || GNU_ONLY.includes(name) || name === 'apk'),
  };
}
