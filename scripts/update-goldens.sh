#!/usr/bin/env bash
# Regenerates the conformance goldens under fixtures/ from the reference oracle,
# `kubectl kustomize` (kustomize v5.5.0 built into kubectl). Goldens are only ever
# rewritten on purpose: run this, then review `git diff fixtures/` before committing.
#
#   scripts/update-goldens.sh              # every fixture
#   scripts/update-goldens.sh 12-foo 40-bar  # just these
#
# A fixture with a hand-written expected-error.txt is an error case: kubectl must fail
# on it, and its stderr is kept in kubectl-error.txt for reference only (strata words
# its own errors). Any other fixture must render: stdout -> expected.yaml, stderr ->
# expected-stderr.txt (removed when kubectl prints nothing there).
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD
command -v kubectl >/dev/null || { echo "kubectl not on PATH" >&2; exit 2; }

if [ $# -gt 0 ]; then
  names=("$@")
else
  names=()
  for d in fixtures/*/; do names+=("$(basename "$d")"); done
fi

failed=0
for name in "${names[@]}"; do
  dir=fixtures/$name
  [ -d "$dir/input" ] || { echo "$name: no input/ directory" >&2; failed=1; continue; }
  out=$(mktemp) err=$(mktemp)
  # kustomize-flags.txt: flags the fixture needs, one per line; --enable-helm uses scripts/helm's build.
  flags=()
  if [ -f "$dir/kustomize-flags.txt" ]; then
    while read -r f; do [ -n "$f" ] && flags+=("$f"); done <"$dir/kustomize-flags.txt"
    if grep -qx -- '--enable-helm' "$dir/kustomize-flags.txt"; then flags+=(--helm-command "$(scripts/helm build)"); fi
  fi
  rc=0
  kubectl kustomize ${flags[@]+"${flags[@]}"} "$dir/input" >"$out" 2>"$err" || rc=$?
  if [ -f "$dir/expected-error.txt" ]; then
    if [ $rc -eq 0 ]; then
      echo "$name: expected kubectl to fail, but it rendered" >&2; failed=1
    else
      # Drop klog's timestamp/pid header and this checkout's absolute path so the file is stable.
      sed -E -e 's/^[EWIF][0-9]{4} [0-9:.]+ +[0-9]+ [^]]+\] //' -e "s#$root/##g" "$err" >"$dir/kubectl-error.txt"
      rm -f "$dir/expected.yaml" "$dir/expected-stderr.txt"
      echo "$name: error (ok)"
    fi
  else
    if [ $rc -ne 0 ]; then
      echo "$name: kubectl failed:" >&2; cat "$err" >&2; failed=1
    else
      cp "$out" "$dir/expected.yaml"
      if [ -s "$err" ]; then cp "$err" "$dir/expected-stderr.txt"; else rm -f "$dir/expected-stderr.txt"; fi
      rm -f "$dir/kubectl-error.txt"
      echo "$name: ok"
    fi
  fi
  rm -f "$out" "$err"
done
exit $failed
