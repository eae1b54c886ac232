// Loads a Node builtin when first needed, synchronously. In the CommonJS entry bundle (main.cjs)
// an import() would start Node's ES module loader, a few milliseconds on every call that reaches
// it; require() does not. The path only anchors the resolution, which builtins do not need.
import {createRequire} from 'node:module'

export const requireBuiltin = createRequire('/') as <T = unknown>(id: `node:${string}`) => T
