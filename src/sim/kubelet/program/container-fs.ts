// The filesystem a container starts with: the image's directories and the few files programs read, then the
// pod's volume mounts (which hide what the image had below them) and mounted ConfigMap/Secret keys.

import type { ImageInfo } from '../images.js';
import { HTTPD_IMAGE_FILES } from './programs/httpd.js';
import { NGINX_IMAGE_FILES } from './programs/nginx.js';
import type { ContainerInput } from './types.js';
import { Vfs } from './vfs.js';

const DIRS = [
  '/bin',
  '/dev',
  '/etc',
  '/home',
  '/proc',
  '/root',
  '/run',
  '/sbin',
  '/sys',
  '/tmp',
  '/usr/bin',
  '/usr/local/bin',
  '/usr/sbin',
  '/var/log',
  '/var/run',
  '/var/tmp',
];

function osRelease(image: ImageInfo): string {
  switch (image.base) {
    case 'alpine':
      return 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.22.1\nPRETTY_NAME="Alpine Linux v3.22"\n';
    case 'ubuntu':
      return `PRETTY_NAME="Ubuntu ${image.version ?? '24.04'} LTS"\nNAME="Ubuntu"\nID=ubuntu\nVERSION_ID="${image.version ?? '24.04'}"\n`;
    case 'oraclelinux':
      return 'NAME="Oracle Linux Server"\nVERSION="9.6"\nID="ol"\nPRETTY_NAME="Oracle Linux Server 9.6"\n';
    case 'busybox':
    case 'scratch':
      return '';
    default:
      return 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n';
  }
}

export function containerFs(input: ContainerInput, hostname: string, podIp: string): Vfs {
  const fs = new Vfs();
  const image = input.image;
  if (image.base !== 'scratch') for (const d of DIRS) fs.addDir(d);
  fs.addImageFile('/etc/hostname', `${hostname}\n`);
  fs.addImageFile(
    '/etc/hosts',
    `127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n${podIp}\t${hostname}\n`,
  );
  fs.addImageFile(
    '/etc/resolv.conf',
    'search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n',
  );
  const release = osRelease(image);
  if (release) fs.addImageFile('/etc/os-release', release);
  if (image.base !== 'scratch') fs.addImageFile('/etc/passwd', 'root:x:0:0:root:/root:/bin/sh\n');
  const extra = image.behaviour === 'nginx' ? NGINX_IMAGE_FILES : image.behaviour === 'httpd' ? HTTPD_IMAGE_FILES : {};
  for (const [path, content] of Object.entries(extra)) fs.addImageFile(path, content);
  for (const m of input.mounts ?? []) fs.mount(m.path, m.readOnly === true);
  for (const [path, content] of Object.entries(input.files))
    fs.addMountedFile(path, content, input.fileModes?.[path] ?? 0o644);
  return fs;
}
