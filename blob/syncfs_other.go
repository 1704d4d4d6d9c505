//go:build !linux

package blob

import (
	"errors"
	"os"
)

// canSyncFS is false where there is no syncfs(2): a batch syncs each file.
func canSyncFS() bool { return false }

func syncFilesystem(*os.File) error { return errors.ErrUnsupported }
