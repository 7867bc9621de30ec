// The program model's public API: what a container does, derived from image + command + args + env + files.
// Any export added here becomes public API for the kubelet.

export type { ImageBase, ImageBehaviour, ImageInfo, PullResult, ResolveOptions } from '../images.js';
export { IMAGE_CATALOGUE, resolveImage } from '../images.js';
export { ANNOTATION_PREFIX } from './annotations.js';
export { containerArgv, expandKubeVars } from './argv.js';
export { startProgram } from './container.js';
export type {
  ContainerInput,
  ContainerMount,
  ContainerNetwork,
  ExecResult,
  HttpOptions,
  HttpResult,
  ProgramEvent,
  RunningProgram,
} from './types.js';
