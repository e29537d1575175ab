# Shared by the CLI test scripts (source it after setting $work, a scratch directory).
# expect NAME ok|error PATTERN -- command...
#   ok: exit 0; error: a non-zero exit that is not a signal (>= 128 means killed: a crash).
#   PATTERN (case-insensitive, may be empty) must appear in stdout or stderr.
# Counts into $pass and $fail; a failure prints the command's output.
pass=0
fail=0
expect() {
  local name=$1 want=$2 pattern=$3
  shift 4
  "$@" >"$work/out" 2>"$work/err"
  local rc=$?
  local ok=1
  if [ "$want" = ok ] && [ $rc -ne 0 ]; then ok=0; fi
  if [ "$want" = error ] && { [ $rc -eq 0 ] || [ $rc -ge 128 ]; }; then ok=0; fi
  if [ -n "$pattern" ] && ! grep -qi -- "$pattern" "$work/out" "$work/err"; then ok=0; fi
  if [ $ok = 1 ]; then pass=$((pass + 1)); else
    fail=$((fail + 1))
    echo "FAIL: $name (rc=$rc, wanted $want, pattern '$pattern')"
    sed 's/^/  out: /' "$work/out" | head -5
    sed 's/^/  err: /' "$work/err" | head -5
  fi
}
