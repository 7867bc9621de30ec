// The utilities the model implements, by name. A name here still has to exist in the image (toolset) to run,
// except the ones every shell has built in.

import type { Utility } from '../io.js';
import { chmod, cp, ls, mkdir, mv, rm, touch } from './files.js';
import { curl, nslookup, wget } from './net.js';
import {
  date,
  env,
  hostname,
  id,
  kill,
  nohup,
  nproc,
  printenv,
  pwd,
  sleep,
  timeout,
  uname,
  which,
  whoami,
} from './system.js';
import { testCommand } from './test-command.js';
import { basenameUtil, cat, cut, dirnameUtil, echo, grep, head, printf, seq, sort, tail, tee, tr, wc } from './text.js';

const ok: Utility = () => 0;
const fail: Utility = () => 1;

export const UTILITIES: ReadonlyMap<string, Utility> = new Map<string, Utility>([
  ['echo', echo],
  ['printf', printf],
  ['cat', cat],
  ['head', head],
  ['tail', tail],
  ['wc', wc],
  ['grep', grep],
  ['egrep', grep],
  ['fgrep', grep],
  ['tee', tee],
  ['seq', seq],
  ['tr', tr],
  ['cut', cut],
  ['sort', sort],
  ['basename', basenameUtil],
  ['dirname', dirnameUtil],
  ['ls', ls],
  ['mkdir', mkdir],
  ['touch', touch],
  ['rm', rm],
  ['cp', cp],
  ['mv', mv],
  ['chmod', chmod],
  ['sleep', sleep],
  ['timeout', timeout],
  ['date', date],
  ['env', env],
  ['printenv', printenv],
  ['nohup', nohup],
  ['pwd', pwd],
  ['hostname', hostname],
  ['whoami', whoami],
  ['id', id],
  ['uname', uname],
  ['nproc', nproc],
  ['which', which],
  ['kill', kill],
  ['wget', wget],
  ['curl', curl],
  ['nslookup', nslookup],
  ['test', testCommand],
  ['[', testCommand],
  ['[[', testCommand],
  ['true', ok],
  [':', ok],
  ['false', fail],
  ['sync', ok],
]);

/** Builtins of every shell: they run even if the image has no binary of that name. */
export const SHELL_BUILTIN_UTILITIES: ReadonlySet<string> = new Set([
  'echo',
  'printf',
  'test',
  '[',
  'true',
  'false',
  ':',
  'kill',
]);
