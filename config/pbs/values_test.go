package pbs

import "testing"

// TestParseBool is the proxmox-schema boolean's one table (§5.1).
func TestParseBool(t *testing.T) {
	for in, want := range map[string]int{ // 1 true, 0 false, -1 invalid
		"1": 1, "on": 1, "yes": 1, "true": 1, "TRUE": 1, "Yes": 1, "oN": 1,
		"0": 0, "off": 0, "no": 0, "false": 0, "False": 0, "NO": 0,
		"": -1, "2": -1, "y": -1, "n": -1, " true": -1, "enabled": -1, "01": -1,
	} {
		b, ok := ParseBool(in)
		got := -1
		if ok {
			got = 0
			if b {
				got = 1
			}
		}
		if got != want {
			t.Errorf("ParseBool(%q) = %v, %v; want %d", in, b, ok, want)
		}
	}
	if _, err := parseBool("enable", "maybe\x1b"); err == nil || err.Error() != `property 'enable': invalid boolean 'maybe\x1b'` {
		t.Errorf("parseBool error = %v", err)
	}
}
