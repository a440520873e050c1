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
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "gencfg: -o DIR is required")
		os.Exit(2)
	}
	if err := configgen.Generate(configgen.Spec{Entries: *n, Seed: *seed}).WriteDir(*out); err != nil {
		fmt.Fprintln(os.Stderr, "gencfg:", err)
		os.Exit(1)
	}
}
