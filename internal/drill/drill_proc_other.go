//go:build !linux

package drill

import "os/exec"

// killWithParent is a no-op where the kernel has no parent-death signal:
// callers still stop their servers at the end of a normal run.
func killWithParent(cmd *exec.Cmd) {}
