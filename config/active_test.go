package config

import "testing"

func TestActive(t *testing.T) {
	tests := []struct {
		enable      bool
		expire, now int64
		want        bool
	}{
		{true, 0, 1000, true},     // never expires
		{true, 1001, 1000, true},  // expires later
		{true, 1000, 1000, false}, // expires now
		{true, 999, 1000, false},
		{false, 0, 1000, false},
		{false, 2000, 1000, false},
		{true, -1, 1000, false}, // a past (negative) expiry has passed
	}
	for _, tt := range tests {
		if got := Active(tt.enable, tt.expire, tt.now); got != tt.want {
			t.Errorf("Active(%v, %d, %d) = %v, want %v", tt.enable, tt.expire, tt.now, got, tt.want)
		}
	}
}
