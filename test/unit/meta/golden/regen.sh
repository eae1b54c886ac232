#!/bin/sh
# Regenerates every expected.yaml / expected-error.txt here from the reference oracle,
# `kubectl kustomize` (kustomize v5.5.0). Each case directory holds kustomization.yaml + inputs.
set -e
cd "$(dirname "$0")"
for d in */; do
  d=${d%/}
  if kubectl kustomize "$d" >"$d/expected.yaml" 2>"$d/stderr.txt"; then
    rm -f "$d/expected-error.txt"
  else
    rm -f "$d/expected.yaml"
    # Keep kubectl's message, without the klog prefix and quoting.
    sed -e 's/^E[0-9]* [0-9:.]* *[0-9]* run.go:[0-9]*] "command failed" err=//' -e 's/^"\(.*\)"$/\1/' -e '/^<$/d' -e '/^ *>$/d' -e 's/^\t//' "$d/stderr.txt" | grep -v '^# Warning' >"$d/expected-error.txt"
  fi
  rm -f "$d/stderr.txt"
done
