// Command pxacl answers Proxmox permission questions from the real
// configuration files, through OPA. See README.md; the commands live in
// pkg/cmd.
package main

import (
	"os"

	"github.com/pxacl/pxacl/pkg/cmd/root"
	"github.com/pxacl/pxacl/pkg/cmdutil"
)

func main() {
	os.Exit(root.Run(cmdutil.NewFactory(), os.Args[1:]))
}
