package batchgc

import (
	"math"
	"runtime/debug"
	"testing"
)

func TestTune(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	Tune()
	pct := debug.SetGCPercent(100)
	limit := debug.SetMemoryLimit(-1)
	if total := totalMemory(); total == 0 {
		if pct != fallbackGCPercent {
			t.Fatalf("memory unknown: GOGC %d, want %d", pct, fallbackGCPercent)
		}
	} else if pct != -1 || limit != int64(total/2) {
		t.Fatalf("GOGC %d, limit %d; want off and %d", pct, limit, total/2)
	}
}
