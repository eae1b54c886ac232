// What `strata lint` reports: one finding per entry that does nothing, repeats what is already
// there, or fights another entry, with where it is written and what to do about it.

export const LintRule = {
  /** A patch (or replacement target) whose selector matches no object: kustomize says nothing. */
  noTarget: 'no-target',
  /** A patch, images: or replicas: entry that changes nothing: every value it sets is already there. */
  noEffect: 'no-effect',
  /** Fields of a patch that set what the object already has from below (the rest still matters). */
  redundantFields: 'redundant-fields',
  /** Two patches of one kustomization set one field to different values: the later wins. */
  conflict: 'conflict',
  /** An images: entry whose name matches no container image. */
  imageNoMatch: 'image-no-match',
  /** The same file or directory listed twice in one build. */
  duplicate: 'duplicate',
} as const
export type LintRule = (typeof LintRule)[keyof typeof LintRule]

export interface LintFinding {
  rule: LintRule
  /** The kustomization file the entry is written in (display path). */
  file: string
  /** The entry, e.g. `patches[1]`, `images[0]`, `resources[2]`. */
  field: string
  /** What is wrong, in one sentence. */
  message: string
  /** What to do. */
  fix: string
  /** The object concerned, `Kind/[namespace/]name`, when there is one. */
  object?: string
  /** Field paths concerned (redundant or conflicting fields). */
  paths?: string[]
  /**
   * Identity of the finding across revisions (entry content rather than its index, which moves
   * when an entry is inserted above), for `lint --base`.
   */
  key: string
}

export interface LintReport {
  /** The directory linted, as given. */
  dir: string
  /** With --base: the revision compared against, and whether the root's inputs changed at all. */
  base?: {ref: string; commit: string; changed: boolean}
  findings: LintFinding[]
  /** A render that failed after findings that explain it (a resource listed twice): its message. */
  renderError?: string
}
