// Command attest is Attest: SOC 2 compliance automation in one binary.
package main

import (
	"os"

	"github.com/attest-hq/attest/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
