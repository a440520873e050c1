// Command phases times the phases of a bundle build (parse, compile, JSON,
// bundle) on a PBS configuration directory, for docs/benchmarks.md.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"time"

	"github.com/pxacl/pxacl/bundle"
	"github.com/pxacl/pxacl/catalog"
	"github.com/pxacl/pxacl/compiler"
	"github.com/pxacl/pxacl/config"
	"github.com/pxacl/pxacl/config/pbs"
	"github.com/pxacl/pxacl/internal/batchgc"
)

func main() {
	dir := flag.String("dir", "", "PBS configuration directory")
	prof := flag.String("cpuprofile", "", "write a CPU profile to this file")
	flag.Parse()
	if *prof != "" {
		f, err := os.Create(*prof)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		defer pprof.StopCPUProfile()
	}
	batchgc.Tune()
	if err := run(*dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		pprof.StopCPUProfile()
		os.Exit(2)
	}
}

func run(dir string) error {
	start := time.Now()
	t := start
	lap := func(name string) {
		fmt.Printf("%-8s %6.2f s\n", name, time.Since(t).Seconds())
		t = time.Now()
	}
	cat, err := catalog.For(config.PBS, "")
	if err != nil {
		return err
	}
	cfg, err := pbs.Load(dir, cat.IsRole)
	if err != nil {
		return err
	}
	lap("parse")
	doc, err := compiler.CompilePBS(cfg, cat)
	if err != nil {
		return err
	}
	lap("compile")
	data, err := doc.JSON()
	if err != nil {
		return err
	}
	lap("json")
	b, err := bundle.Build(data, bundle.Metadata{Flavor: config.PBS.String()})
	if err != nil {
		return err
	}
	lap("hash")
	if err := b.Write(io.Discard); err != nil {
		return err
	}
	lap("gzip")
	fmt.Printf("%-8s %6.2f s\n", "total", time.Since(start).Seconds())
	return nil
}
