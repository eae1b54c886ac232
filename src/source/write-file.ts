import * as fs from 'node:fs'
import * as path from 'node:path'

/** Writes via a temporary file and rename, so a failed write never leaves half a file behind. */
export function writeFileAtomic(file: string, content: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.strata-${process.pid}.tmp`)
  fs.writeFileSync(tmp, content)
  fs.renameSync(tmp, file)
}
