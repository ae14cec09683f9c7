#!/bin/sh
# The executable handed to @vscode/test-electron's runTests as vscodeExecutablePath (it spawns one
# file, without a shell): runs the compiled launcher, out/test/vscode-host/launcher.js.
exec node "$(dirname "$0")/../../out/test/vscode-host/launcher.js" "$@"
