// Runner for the tests of a window with no folder open (a second run of VS Code, see
// runExtensionTests.ts): same mocha set-up as the main extension tests.
import { runMochaIn } from '../extension/index';

export function run(): Promise<void> {
  return runMochaIn(__dirname);
}
