package config

import (
	"strings"
	"testing"
)

// TestParseFlavor is the one table of flavor names.
func TestParseFlavor(t *testing.T) {
	tests := []struct {
		in      string
		want    Flavor
		wantErr string
	}{
		{"pbs", PBS, ""},
		{"pve", PVE, ""},
		{"", "", ""}, // not given: detect
		{"PBS", "", `unknown flavor "PBS" (want pbs or pve)`},
		{"pmg", "", `unknown flavor "pmg"`},
		{" pve", "", "unknown flavor"},
	}
	for _, tt := range tests {
		got, err := ParseFlavor(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseFlavor(%q) = %q, %v; want error %q", tt.in, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseFlavor(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	if PBS.String() != "pbs" || PVE.String() != "pve" {
		t.Errorf("String() = %q, %q", PBS, PVE)
	}
}
