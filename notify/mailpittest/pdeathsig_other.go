//go:build !linux

package mailpittest

import "os/exec"

// setPdeathsig does nothing here: only Linux can tie a child's life to its
// parent's.
func setPdeathsig(*exec.Cmd) {}
