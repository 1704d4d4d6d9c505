package app

import (
	"log/slog"
	"os"
)

// warnOpenDataDir warns when other users of the machine may look into the data
// folder. The database files are created private (0600) whatever the folder's
// mode, but the folder also holds the evidence files and the ledger's signing
// key, and a folder others can list or read is rarely meant.
func warnOpenDataDir(log *slog.Logger, dir string) {
	if dir == "" {
		return
	}
	fi, err := os.Stat(dir)
	if err != nil || !fi.IsDir() {
		return
	}
	if m := fi.Mode().Perm(); m&0o007 != 0 {
		log.Warn("the data folder is readable by other users of this machine; restrict it with chmod 700",
			"path", dir, "mode", m.String())
	}
}
