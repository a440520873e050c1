package server

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestLoad is the load benchmark of docs/benchmarks.md; it runs only with
// PXACL_LOADTEST=1:
//
//	PXACL_LOADTEST=1 go test -count=1 -run TestLoad -v ./server
//
// 1,000 concurrent clients poll with the current ETag (the 304 path), then
// 1,000 clients long-poll and a rebuild must reach all of them.
func TestLoad(t *testing.T) {
	if os.Getenv("PXACL_LOADTEST") == "" {
		t.Skip("set PXACL_LOADTEST=1 to run the load benchmark")
	}
	const clients = 1000
	dur := 5 * time.Second
	s, fb, ts := newTest(t, Options{MaxLongPolls: clients}) // every client held, none over the cap
	url := ts.URL + "/bundles/pxacl.tar.gz"
	tr := &http.Transport{MaxIdleConns: clients, MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}
	client := &http.Client{Transport: tr}
	do := func(etag string, wait int) (int, string, error) {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		req.Header.Set("If-None-Match", etag)
		if wait > 0 {
			req.Header.Set("Prefer", fmt.Sprintf("modes=snapshot,delta;wait=%d", wait))
		}
		resp, err := client.Do(req)
		if err != nil {
			return 0, "", err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode, resp.Header.Get("ETag"), nil
	}

	// 1. the 304 path
	etag := `"` + s.Revision() + `"`
	var ms0 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	lat := make([][]time.Duration, clients)
	var errs atomic.Int64
	var wg sync.WaitGroup
	stop := time.Now().Add(dur)
	start := time.Now()
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(stop) {
				t0 := time.Now()
				code, _, err := do(etag, 0)
				if err != nil || code != http.StatusNotModified {
					errs.Add(1)
					continue
				}
				lat[i] = append(lat[i], time.Since(t0))
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	var ms1 runtime.MemStats
	runtime.ReadMemStats(&ms1)
	n := len(all)
	if n == 0 {
		t.Fatal("no 304 responses")
	}
	t.Logf("304 path: %d clients, %d responses in %v = %.0f req/s; p50 %v p99 %v max %v; errors %d",
		clients, n, elapsed.Round(time.Millisecond), float64(n)/elapsed.Seconds(),
		all[n/2].Round(time.Microsecond), all[n*99/100].Round(time.Microsecond), all[n-1].Round(time.Microsecond), errs.Load())
	t.Logf("memory (client and server in one process): heap in use %d MiB, sys %d MiB, GC cycles %d",
		ms1.HeapInuse>>20, ms1.Sys>>20, ms1.NumGC-ms0.NumGC)

	// 2. propagation with long polling
	got := make(chan time.Time, clients)
	for range clients {
		go func() {
			for {
				code, e, err := do(etag, 30)
				if err == nil && code == http.StatusOK && e != etag {
					got <- time.Now()
					return
				}
			}
		}()
	}
	deadline := time.Now().Add(120 * time.Second) // generous: a busy machine
	for s.waiters.Load() < clients && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	t.Logf("long-poll waiters: %d", s.waiters.Load())
	changed := time.Now()
	fb.set(`{"v":"changed"}`, nil)
	if err := s.Rebuild(); err != nil {
		t.Fatal(err)
	}
	var last time.Time
	for range clients {
		select {
		case at := <-got:
			last = at
		case <-time.After(120 * time.Second):
			t.Fatal("not all clients got the new revision in 120s")
		}
	}
	t.Logf("propagation: change (rebuild started) → all %d long-polling clients hold the new revision: %v",
		clients, last.Sub(changed).Round(time.Millisecond))
}
