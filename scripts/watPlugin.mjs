// esbuild plugin: `import bytes from './x.wat'` compiles the WebAssembly text
// with wabt (SIMD enabled) at build time and bundles the binary as a Uint8Array.
import * as fs from 'fs';
import * as path from 'path';

let wabt;

export async function compileWatFile(file) {
  if (!wabt) {
    const { default: init } = await import('wabt');
    wabt = await init();
  }
  const mod = wabt.parseWat(path.basename(file), fs.readFileSync(file, 'utf8'), { simd: true });
  try {
    mod.validate();
    return Buffer.from(mod.toBinary({}).buffer);
  } finally {
    mod.destroy();
  }
}

export const watPlugin = {
  name: 'wat',
  setup(build) {
    build.onLoad({ filter: /\.wat$/ }, async (args) => {
      try {
        return { contents: await compileWatFile(args.path), loader: 'binary', watchFiles: [args.path] };
      } catch (e) {
        return { errors: [{ text: `${path.relative(process.cwd(), args.path)}: ${e.message}` }] };
      }
    });
  },
};
