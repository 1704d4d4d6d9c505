package storetest

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"testing"
)

// MountTmpfs mounts a tmpfs of size (mount's notation: "48m") on dir, owned
// by the user running the test, for the tests of a full disk, and unmounts it
// when the test ends. It mounts directly as root, or through "sudo -n" for a
// user allowed to run mount without a password (a CI runner's usual set-up);
// with neither, or on a system other than Linux, the test is skipped (failed
// under ATTEST_TEST_STRICT=1).
func MountTmpfs(tb testing.TB, dir, size string) {
	tb.Helper()
	if runtime.GOOS != "linux" {
		SkipOrFail(tb, "the full-disk tests mount a tmpfs, which needs Linux")
	}
	opts := fmt.Sprintf("size=%s,mode=0700,uid=%d,gid=%d", size, os.Getuid(), os.Getgid())
	var sudo []string
	if os.Geteuid() != 0 {
		sudo = []string{"sudo", "-n"}
	}
	run := func(args ...string) error {
		args = append(sudo, args...)
		if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
			return fmt.Errorf("%v: %v: %s", args, err, out)
		}
		return nil
	}
	if err := run("mount", "-t", "tmpfs", "-o", opts, "tmpfs", dir); err != nil {
		SkipOrFail(tb, fmt.Sprintf("a full-disk test mounts a %s tmpfs, which needs root or sudo without a password: %v", size, err))
	}
	tb.Cleanup(func() {
		// Lazily: a server the test started may still hold a file open.
		if err := run("umount", "-l", dir); err != nil {
			tb.Errorf("unmounting the tmpfs: %v", err)
		}
	})
}
