// `strata render` on the fast path (see fast-path.ts): the command's own body (run-render.ts)
// with the error handling of StrataCommand.catch — the same paragraph and exit code 2 for an
// input error, the same report for a bug. The heap flag is set by main.ts before this bundle
// compiles (V8 keys its code cache to the flags). The render server (render-server/) lives in this bundle
// too: it runs the same body for its clients.
import {ExitCode} from '../model/exit-codes.js'
import {renderErrorText} from './render-error.js'
import {runRender, type RenderCommandFlags} from './run-render.js'

export {serveRenders} from './render-server/server.js'

export async function runFast(dir: string, flags: Record<string, unknown>): Promise<void> {
  try {
    await runRender(dir, flags as unknown as RenderCommandFlags)
  } catch (e) {
    process.stderr.write(renderErrorText(e))
    // As oclif's error handler: exit at once (stderr is written synchronously; stdout got nothing).
    process.exit(ExitCode.error)
  }
}
