/** WebAssembly text imported as its compiled binary (scripts/watPlugin.mjs). */
declare module '*.wat' {
  const bytes: Uint8Array<ArrayBuffer>;
  export default bytes;
}
