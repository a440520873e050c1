package parallel

import (
	"sync/atomic"
	"testing"
)

// Every index runs exactly once, whatever the sizes.
func TestFor(t *testing.T) {
	for _, c := range []struct{ n, chunk int }{{0, 4}, {1, 4}, {7, 3}, {1000, 256}, {1000, 1}, {5, 0}} {
		seen := make([]atomic.Int32, c.n)
		For(c.n, c.chunk, func(i int) { seen[i].Add(1) })
		for i := range seen {
			if got := seen[i].Load(); got != 1 {
				t.Fatalf("n=%d chunk=%d: index %d ran %d times", c.n, c.chunk, i, got)
			}
		}
	}
}

// Chunks hands each worker its own state and whole, aligned chunks.
func TestChunks(t *testing.T) {
	var workers, covered atomic.Int32
	Chunks(1000, 64, func() func(lo, hi int) {
		workers.Add(1)
		return func(lo, hi int) {
			if lo%64 != 0 || hi-lo > 64 || (hi-lo < 64 && hi != 1000) {
				t.Errorf("chunk [%d, %d)", lo, hi)
			}
			covered.Add(int32(hi - lo))
		}
	})
	if covered.Load() != 1000 || workers.Load() < 1 {
		t.Fatalf("covered %d with %d workers", covered.Load(), workers.Load())
	}
}
