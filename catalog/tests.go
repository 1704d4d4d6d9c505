package catalog

import "embed"

// TestFiles are the automated tests Attest ships (tests/*.yaml), read by
// package monitor/engine. They are data, like the control library: open,
// versioned by content, and run the same offline (attest test eval).
//
//go:embed tests/*.yaml
var TestFiles embed.FS
