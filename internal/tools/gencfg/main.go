// Command gencfg writes a synthetic PBS configuration of a given size
// (see package configgen), for benchmarks: gencfg -entries 1000000 -o DIR.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/pxacl/pxacl/configgen"
)

func main() {
	n := flag.Int("entries", 1000, "acl.cfg entries")
	out := flag.String("o", "", "output directory")
	seed := flag.Int64("seed", 1, "random seed")
	pve := flag.Bool("pve", false, "write a Proxmox VE user.cfg (groups of 1,000, 10k pools, 100k VMs)")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "gencfg: -o DIR is required")
		os.Exit(2)
	}
	var err error
	if *pve {
		err = configgen.GeneratePVE(configgen.PVESpec{Entries: *n, GroupMembers: 1000, Pools: 10_000, VMs: 100_000, Seed: *seed}).WriteDir(*out)
	} else {
		err = configgen.Generate(configgen.Spec{Entries: *n, Seed: *seed}).WriteDir(*out)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gencfg:", err)
		os.Exit(1)
	}
}
