package tests

import (
	"context"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pxacl/pxacl/configgen"
	"github.com/pxacl/pxacl/evaluator"
)

// deltaEntries is the size of TestServeDeltaSidecar's configuration
// (PXACL_DELTA_ENTRIES; 10,000 by default: CI-sized; docs/benchmarks.md
// has the 100k and 1M figures).
func deltaEntries() int {
	if n, err := strconv.Atoi(os.Getenv("PXACL_DELTA_ENTRIES")); err == nil && n > 0 {
		return n
	}
	return 10_000
}

// metric reads one counter or gauge of pxacl serve's /metrics.
func metric(t *testing.T, base, name string) int64 {
	t.Helper()
	m := string(getBody(t, base+"/metrics"))
	re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + ` (\d+)$`)
	s := re.FindStringSubmatch(m)
	if s == nil {
		t.Fatalf("no %s in /metrics", name)
	}
	n, _ := strconv.ParseInt(s[1], 10, 64)
	return n
}

func getBody(t *testing.T, url string) []byte {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return out
}

// startSidecarPID is startSidecar that also returns the process id.
func startSidecarPID(t *testing.T, cfgFile string) (string, *syncBuffer, <-chan error, int) {
	t.Helper()
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	logs := &syncBuffer{}
	cmd := exec.Command(opaBin(t), "run", "--server", "--addr", addr, "--skip-version-check", "--log-level", "info", "--config-file", cfgFile)
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGCONT)
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	})
	return "http://" + addr, logs, exited, cmd.Process.Pid
}

// TestServeDeltaSidecar: after one `acl update`, a real OPA sidecar's
// next download is a small delta bundle, its decisions flip, and then
// equal those of a sidecar that loaded the new bundle whole, on 1,000
// sampled queries. A sidecar that missed several revisions (stopped)
// converges too.
func TestServeDeltaSidecar(t *testing.T) {
	opaBin(t)
	n := deltaEntries()
	gen := configgen.Generate(configgen.Spec{Entries: n, Seed: 1})
	dir := t.TempDir()
	if err := gen.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	// configgen's acl.cfg is not in the order Proxmox (and acl update)
	// writes it: a first update rewrites the whole file, every line
	// number moves. Start from a file written once.
	first := strings.SplitN(string(gen.ACLCfg), "\n", 2)[0]
	if f := strings.Split(first, ":"); len(f) != 5 {
		t.Fatalf("acl.cfg starts with %q", first)
	} else if r := runPxacl(t, "--config-dir", dir, "acl", "update", f[2], f[4], "--auth-id", strings.Split(f[3], ",")[0], "--propagate", f[1]); r.code != 0 {
		t.Fatalf("acl update: %s", r)
	}
	base, cfgFile, serveLogs := startServe(t, dir, "--delta-revisions", "16")
	a, aLogs, aExited := startSidecar(t, cfgFile)
	c, cLogs, cExited, cPID := startSidecarPID(t, cfgFile)
	waitHTTP(t, a+"/health?bundles", 120*time.Second, aLogs, aExited)
	waitHTTP(t, c+"/health?bundles", 120*time.Second, cLogs, cExited)
	rev1 := serveHealth(t, base).Revision

	// the change: add an account to an existing propagating line (acl
	// update merges it into the line, as Proxmox does), chosen so that
	// its decision at that path flips
	ctx := context.Background()
	ev, err := evaluator.FromConfigDir(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	acl, _ := os.ReadFile(dir + "/acl.cfg")
	var path, who string
	flip := evaluator.Query{}
	for _, line := range strings.Split(string(acl), "\n") {
		f := strings.Split(line, ":")
		if len(f) != 5 || f[1] != "1" || f[4] != "DatastoreAdmin" {
			continue
		}
		for _, u := range gen.Users {
			if u == "root@pam" {
				continue
			}
			q := evaluator.Query{AuthID: u, Path: f[2], Privileges: []string{"Datastore.Modify"}}
			if ok, err := ev.Allowed(ctx, q); err == nil && !ok {
				path, who, flip = f[2], u, q
				break
			}
		}
		if who != "" {
			break
		}
	}
	if who == "" {
		t.Fatal("no account to grant")
	}
	flipInput := map[string]any{"auth_id": flip.AuthID, "path": flip.Path, "privileges": flip.Privileges}
	if res, _ := postData(t, a, "pxacl/allow", flipInput); string(res) != "false" {
		t.Fatalf("before the change: %s", res)
	}
	sent0, bytes0 := metric(t, base, "pxacl_bundle_deltas_sent_total"), metric(t, base, "pxacl_bundle_delta_bytes_total")

	// C misses the next revisions: stopped
	stopSidecar(t, cPID, true)
	start := time.Now()
	if r := runPxacl(t, "--config-dir", dir, "acl", "update", path, "DatastoreAdmin", "--auth-id", who); r.code != 0 {
		t.Fatalf("acl update: %s", r)
	}
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if res, _ := postData(t, a, "pxacl/allow", flipInput); string(res) == "true" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("sidecar A did not flip in 60 s:\n%s\n%s", serveLogs, aLogs)
		}
	}
	flipTime := time.Since(start)
	rev2 := serveHealth(t, base).Revision
	waitFor(t, 30*time.Second, "sidecar A on the new revision", func() bool { return opaRevision(t, a) == rev2 }, serveLogs, aLogs)
	// A's download was a delta (C, stopped, may have been answered too:
	// its held long poll)
	sent, deltaBytes := metric(t, base, "pxacl_bundle_deltas_sent_total")-sent0, metric(t, base, "pxacl_bundle_delta_bytes_total")-bytes0
	if sent < 1 || sent > 2 {
		t.Fatalf("%d deltas sent, want A's (and C's held poll):\n%s", sent, serveLogs)
	}
	per := deltaBytes / sent
	t.Logf("entries %d: acl update -> decision flipped on sidecar A in %v; delta %d bytes (bundle %d bytes); revision %s -> %s",
		n, flipTime.Round(time.Millisecond), per, len(getBody(t, base+"/bundles/pxacl.tar.gz")), rev1[:12], rev2[:12])
	if per >= 10_000 {
		t.Errorf("delta of %d bytes for one acl update, want < 10 KB", per)
	}

	// two more revisions C misses
	users := gen.Users
	for i := 0; i < 2; i++ {
		if r := runPxacl(t, "--config-dir", dir, "acl", "update", path, "DatastoreAudit", "--auth-id", users[len(users)-1-i]); r.code != 0 {
			t.Fatalf("acl update: %s", r)
		}
		prev := serveHealth(t, base).Revision
		waitFor(t, 30*time.Second, "pxacl rebuilds", func() bool { return serveHealth(t, base).Revision != prev }, serveLogs)
	}
	rev4 := serveHealth(t, base).Revision
	waitFor(t, 30*time.Second, "sidecar A on the last revision", func() bool { return opaRevision(t, a) == rev4 }, serveLogs, aLogs)

	// B loads the last bundle whole
	b, bLogs, bExited := startSidecar(t, cfgFile)
	waitHTTP(t, b+"/health?bundles", 120*time.Second, bLogs, bExited)
	stopSidecar(t, cPID, false)
	waitFor(t, 30*time.Second, "sidecar C converges", func() bool { return opaRevision(t, c) == rev4 }, serveLogs, cLogs)
	if !strings.Contains(cLogs.String(), "delta") && !strings.Contains(aLogs.String(), "delta") {
		t.Logf("(the OPA logs do not name delta bundles)")
	}

	// 1,000 sampled queries: A (deltas) == C (missed revisions) == B (whole)
	rng := rand.New(rand.NewSource(1))
	privs := []string{"Datastore.Audit", "Datastore.Modify", "Datastore.Backup", "Datastore.Read", "Datastore.Prune", "Sys.Audit", "Tape.Read", "Permissions.Modify"}
	ids := append(append([]string{who}, gen.Users...), gen.Tokens...)
	diffs := 0
	for i := 0; i < 1000; i++ {
		in := map[string]any{"auth_id": ids[rng.Intn(len(ids))], "path": gen.Paths[rng.Intn(len(gen.Paths))] + []string{"", "/sub"}[rng.Intn(2)],
			"privileges": []string{privs[rng.Intn(len(privs))]}}
		if i == 0 {
			in = flipInput
		}
		want, _ := postData(t, b, "pxacl/allow", in)
		for name, s := range map[string]string{"A (deltas)": a, "C (missed revisions)": c} {
			if got, _ := postData(t, s, "pxacl/allow", in); string(got) != string(want) {
				diffs++
				t.Errorf("%s: allow(%v) = %s, the whole bundle says %s", name, in, got, want)
			}
		}
	}
	if diffs > 0 {
		t.Fatalf("%d differences", diffs)
	}
	if total := metric(t, base, "pxacl_bundle_deltas_sent_total") - sent0; total < 3 {
		t.Errorf("%d deltas sent in all, want A's three at least", total)
	}
}

// stopSidecar pauses (SIGSTOP) or resumes (SIGCONT) process pid.
func stopSidecar(t *testing.T, pid int, stop bool) {
	t.Helper()
	sig := syscall.SIGCONT
	if stop {
		sig = syscall.SIGSTOP
	}
	if err := syscall.Kill(pid, sig); err != nil {
		t.Fatal(err)
	}
}
