package drill

import (
	"os/exec"
	"syscall"
)

// killWithParent makes the kernel kill cmd when the process that started
// it dies, so a killed test run or drill leaves no server behind.
func killWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
