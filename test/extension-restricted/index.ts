// Runner for the Restricted Mode tests (a third run of VS Code with Workspace Trust on and the
// folder not trusted, see runExtensionTests.ts): same mocha set-up as the main extension tests.
import { runMochaIn } from '../extension/index';

export function run(): Promise<void> {
  return runMochaIn(__dirname);
}
