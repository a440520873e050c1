// Package parallel runs a loop over 0..n-1 on every core, in chunks, for
// the batch work of compiling large configurations.
package parallel

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Chunks runs the chunks [lo, hi) of 0..n-1, each chunk elements long
// (the last may be shorter), on every core. Each worker calls work once
// and runs the function it returns on the chunks it takes, so per-worker
// state (a cache, say) lives in that closure. Chunks returns when all
// are done.
func Chunks(n, chunk int, work func() func(lo, hi int)) {
	chunk = max(chunk, 1)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), (n+chunk-1)/chunk) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			run := work()
			for {
				lo := int(next.Add(int64(chunk))) - chunk
				if lo >= n {
					return
				}
				run(lo, min(n, lo+chunk))
			}
		}()
	}
	wg.Wait()
}

// For runs f(i) for every i in 0..n-1 on every core, chunk at a time.
func For(n, chunk int, f func(i int)) {
	Chunks(n, chunk, func() func(lo, hi int) {
		return func(lo, hi int) {
			for i := lo; i < hi; i++ {
				f(i)
			}
		}
	})
}
