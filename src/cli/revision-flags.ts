// The arguments `affected` and `preview` share: which roots, and which two revisions to compare.
// One definition so the two commands cannot drift apart in what --base and --head mean.
import {Args, Flags} from '@oclif/core'

export const rootsArgs = {
  root: Args.string({description: 'kustomization roots to consider, relative to the current directory (default: strata.yaml apps, else every top-level kustomization)'}),
}

export const revisionFlags = {
  base: Flags.string({description: 'the revision the change is compared against (its merge base with the head is used)', required: true}),
  head: Flags.string({description: 'the head revision (default: the work tree, uncommitted changes included)'}),
}
