import { decisionCommand } from './approve.js';

export const rejectCommand = decisionCommand('reject');
