// A render keeps nearly all it allocates until it prints (every resource of the tree), so V8,
// seeing most young objects survive, doubles the young generation up to 16 MiB semi-spaces: 32 of
// the 47 MiB heap at 1 500 resources, most of the process's peak memory. Held at its first size it
// takes more, smaller scavenges for the same CPU, and peak RSS falls by ~13 MiB at 1 500 resources
// and ~18 MiB at 12 000 (README, speed). The growth factor, unlike the semi-space maximum, is read
// each time V8 resizes, so setting it from inside the process works. V8 keys its code cache to
// the flags, so the fast path sets it before compiling the render bundle (main.ts), at build and
// at run alike. Render commands only: a long-running watch keeps V8's defaults.
// node:v8 is imported when called, not at the top: loading it cost every other call of the CLI's
// entry (--version, a render the render server answers) a few milliseconds.
import {requireBuiltin} from './builtin.js'

export function holdYoungGeneration(): void {
  requireBuiltin<typeof import('node:v8')>('node:v8').setFlagsFromString('--semi-space-growth-factor=1')
}
