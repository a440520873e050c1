package pve

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// TestUpstreamParserWriter runs the cases of pve-access-control's
// src/test/parser_writer.pl (9.1.1, extracted to testdata/
// upstream_parser_writer.json: name, raw input, the raw PVE writes). Where
// the upstream case writes its structured config (no separate expected
// config) and in the sort_* cases, writing pxacl's parse of raw must give
// PVE's bytes; every case
// must be stable under parse -> write -> parse -> write.
func TestUpstreamParserWriter(t *testing.T) {
	raw, err := os.ReadFile("testdata/upstream_parser_writer.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Name              string `json:"name"`
		Raw               string `json:"raw"`
		ExpectedRaw       string `json:"expected_raw"`
		HasConfig         bool   `json:"has_config"`
		HasExpectedConfig bool   `json:"has_expected_config"`
	}
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) != 33 {
		t.Fatalf("%d cases, want 33", len(cases))
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			first := string(Parse([]byte(c.Raw), UserCfg, cat).Write())
			exact := c.HasConfig && !c.HasExpectedConfig || strings.HasPrefix(c.Name, "sort_")
			if exact && first != c.ExpectedRaw {
				t.Errorf("write(parse(raw)):\n got %q\nwant %q", first, c.ExpectedRaw)
			}
			if second := string(Parse([]byte(first), UserCfg, cat).Write()); second != first {
				t.Errorf("not stable:\n%q\n%q", first, second)
			}
		})
	}
}
