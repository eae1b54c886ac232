#!/usr/bin/env node
// Runs the built CLI from a checkout or an install; `npm run build` produces dist/.
import {execute} from '@oclif/core'

await execute({dir: import.meta.url})
