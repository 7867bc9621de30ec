import type { Command } from '../command.js';
import { analyzeCommand } from './analyze.js';
import { approveCommand } from './approve.js';
import { askCommand } from './ask.js';
import { auditCommand } from './audit.js';
import { chatCommand } from './chat.js';
import { demoCommand } from './demo.js';
import { memoryCommand } from './memory.js';
import { rejectCommand } from './reject.js';
import { runCommand } from './run.js';
import { simCommand } from './sim.js';

// The command table: one import and one row per command (ordered as a user meets them).
export const COMMANDS: readonly Command[] = [
  demoCommand,
  analyzeCommand,
  runCommand,
  approveCommand,
  rejectCommand,
  auditCommand,
  memoryCommand,
  simCommand,
  askCommand,
  chatCommand,
];
