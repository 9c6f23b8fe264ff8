//go:build !linux

package e2e

import "os/exec"

// killWithParent is a no-op where the kernel has no parent-death signal:
// TestMain still stops the server at the end of a normal run.
func killWithParent(cmd *exec.Cmd) {}
