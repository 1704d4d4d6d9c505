package blob

import (
	"os/exec"
	"syscall"
)

// setPdeathsig has the kernel kill the gateway if the test binary dies without
// running TestMain's cleanup (a panic, a -timeout).
func setPdeathsig(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
