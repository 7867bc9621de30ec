// `kubemend run` as its own process, so a test can SIGKILL it mid-remediation the way a crash or an OOM would.
import { main } from '../../src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
