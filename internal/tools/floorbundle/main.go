// Command floorbundle writes the speed floor that pxacl's bundle is
// measured against on stock OPA (docs/benchmarks.md, "Stock OPA: data
// layout for sidecars"): a bundle of about N entries whose allow is one
// direct lookup, data.floor.eff[auth_id][path][privilege].
//
//	floorbundle -entries 100000 -o DIR
//	opa bench -b DIR -i floor.json data.floor.allow
//
// floor.json: {"auth_id":"u17@pbs!t1","path":"/datastore/s3/ns1/ns2","privilege":"Datastore.Backup"}
// The subjects and paths are drawn as the reference script draws
// them (a tenth as many subjects as entries, 40 % of them tokens, a 200th
// as many datastores, 8 namespaces), with Go's generator instead of
// Python's, so the shape and size are the same and the keys differ.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
)

func main() {
	n := flag.Int("entries", 1000, "entries")
	out := flag.String("o", "", "output directory")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "floorbundle: -o DIR is required")
		os.Exit(2)
	}
	if err := write(*n, *out); err != nil {
		fmt.Fprintln(os.Stderr, "floorbundle:", err)
		os.Exit(1)
	}
}

func write(n int, out string) error {
	rnd := rand.New(rand.NewPCG(1, 1))
	eff := map[string]map[string]map[string]bool{}
	add := func(s, p string) {
		if eff[s] == nil {
			eff[s] = map[string]map[string]bool{}
		}
		if eff[s][p] == nil {
			eff[s][p] = map[string]bool{}
		}
		eff[s][p]["Datastore.Backup"] = true
	}
	for range n {
		s := fmt.Sprintf("u%d@pbs", rnd.IntN(max(10, n/10)))
		if rnd.Float64() < .4 {
			s += "!t1"
		}
		add(s, fmt.Sprintf("/datastore/s%d/ns%d", rnd.IntN(max(5, n/200)), rnd.IntN(8)))
	}
	add("u17@pbs!t1", "/datastore/s3/ns1/ns2")
	if err := os.MkdirAll(filepath.Join(out, "floor"), 0o755); err != nil {
		return err
	}
	data, err := json.Marshal(map[string]any{"eff": eff})
	if err != nil {
		return err
	}
	files := map[string][]byte{
		filepath.Join(out, "floor", "data.json"):   data,
		filepath.Join(out, "floor", "policy.rego"): []byte("package floor\n\nallow if data.floor.eff[input.auth_id][input.path][input.privilege]\n"),
		filepath.Join(out, ".manifest"):            []byte(`{"roots":["floor"]}`),
	}
	for name, b := range files {
		if err := os.WriteFile(name, b, 0o644); err != nil {
			return err
		}
	}
	return nil
}
