//go:build !linux

package blob

import "os/exec"

// setPdeathsig does nothing here: only Linux can tie a child's life to its
// parent's.
func setPdeathsig(*exec.Cmd) {}
