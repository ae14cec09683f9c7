// Stylesheets are emitted to dist/webview by webpack (asset/resource) and linked by the host's
// HTML; importing one only makes webpack emit it.
declare module '*.css';
