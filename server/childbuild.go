package server

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/pxacl/pxacl/internal/safetext"
)

// Building under a memory budget. A configuration that does not fit in
// memory must not take the server down with it: the server keeps the last
// good bundle. So the bundle is built in a child process, the pxacl binary
// itself, which limits its own data segment (RLIMIT_DATA, every private
// writable mapping, i.e. the Go heap, stacks and runtime metadata) to the
// budget (counted from its start) before it builds. Go's runtime works under RLIMIT_DATA: an
// allocation past it fails with "fatal error: runtime: out of memory" and
// the child exits; the server reports the budget and keeps serving. The
// child also sets the Go soft memory limit to 3/4 of the budget, so the
// collector works harder before the hard limit is hit.
//
// The child writes "pxacl-bundle <revision>\n" and then the bundle
// (tar.gz, signed when a key is given) on stdout; on failure it writes
// "pxacl: <error>" on stderr and exits 2.

// childHeader starts the child's stdout.
const childHeader = "pxacl-bundle "

// ChildBuild runs the bundle build in a child process under a memory
// budget. Use its Build method as Options.BuildBytes.
type ChildBuild struct {
	// Exe is the pxacl binary; Args make it run RunChild (serve
	// --build-child ...).
	Exe  string
	Args []string
	// Budget is what the child may add to its data segment (RLIMIT_DATA)
	// while it builds, in bytes; the child reads it from its arguments,
	// this value is for the messages and bounds what is read from it.
	Budget int64
	// DropEnv lists environment variables the child must not inherit
	// (the bearer token).
	DropEnv []string
}

// ErrBudget is wrapped by the error of a build that ran out of its memory
// budget.
var ErrBudget = errors.New("bundle build exceeded its memory budget")

// Build runs the child and returns its bundle and revision.
func (c *ChildBuild) Build() ([]byte, string, error) {
	cmd := exec.Command(c.Exe, c.Args...)
	cmd.Env = childEnv(os.Environ(), c.DropEnv)
	cmd.SysProcAttr = childSysProcAttr()
	stderr := &capped{max: 16 << 10}
	cmd.Stderr = stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, "", err
	}
	if err := cmd.Start(); err != nil {
		return nil, "", fmt.Errorf("bundle build: starting %s: %w", c.Exe, err)
	}
	// the bundle cannot be larger than the memory it was built in
	body, readErr := io.ReadAll(io.LimitReader(out, c.Budget+1))
	if int64(len(body)) > c.Budget {
		readErr = fmt.Errorf("the child wrote more than the budget")
		_ = cmd.Process.Kill()
		_, _ = io.Copy(io.Discard, out)
	}
	waitErr := cmd.Wait()
	if waitErr != nil {
		return nil, "", c.childError(waitErr, stderr.String())
	}
	if readErr != nil {
		return nil, "", fmt.Errorf("bundle build: reading the bundle: %w", readErr)
	}
	line, rest, ok := bytes.Cut(body, []byte("\n"))
	rev, hasHeader := strings.CutPrefix(string(line), childHeader)
	if !ok || !hasHeader || rev == "" {
		return nil, "", errors.New("bundle build: the child wrote no bundle")
	}
	return rest, rev, nil
}

// childError explains how the child failed: its budget, a signal, or its
// own message (the build error, e.g. "acl.cfg:3: unknown role 'Foo'").
func (c *ChildBuild) childError(err error, stderr string) error {
	if overBudget(stderr) {
		return fmt.Errorf("%w of %s (--memory-budget): the configuration needs more memory to compile", ErrBudget, FormatSize(c.Budget))
	}
	// Under RLIMIT_DATA the Go runtime does not always die with "out of
	// memory": a refused mmap can also crash its garbage collector
	// (SIGSEGV). Either way the limit is the likely cause; the stack trace
	// is never shown.
	if first, crashed := runtimeCrash(stderr); crashed {
		return fmt.Errorf("%w of %s (--memory-budget): the build process crashed under the limit (%s)", ErrBudget, FormatSize(c.Budget), safetext.Value(first))
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return fmt.Errorf("bundle build: the build process was killed (%v); the kernel's OOM killer does this when the machine runs out of memory", ws.Signal())
		}
	}
	msg := strings.TrimSpace(stderr)
	if i := strings.LastIndex(msg, "\npxacl: "); i >= 0 {
		msg = msg[i+1:] // warnings before the error
	}
	msg = strings.TrimPrefix(msg, "pxacl: ")
	if msg == "" {
		return fmt.Errorf("bundle build: %v", err)
	}
	return errors.New(msg)
}

// overBudget recognises the ways a Go process dies when RLIMIT_DATA
// refuses memory: the runtime's "out of memory" (heap or its metadata),
// an mmap refused, or, in a binary linked with cgo, a thread stack
// refused (pthread_create, then SIGABRT).
func overBudget(stderr string) bool {
	for _, s := range []string{"out of memory", "cannot allocate memory", "pthread_create failed", "failed to create new OS thread"} {
		if strings.Contains(stderr, s) {
			return true
		}
	}
	return false
}

// runtimeCrash recognises a Go runtime crash report on stderr (a goroutine
// dump) and returns its first line ("fatal error: ...", "SIGSEGV:
// segmentation violation", "panic: ...").
func runtimeCrash(stderr string) (first string, crashed bool) {
	if !strings.Contains(stderr, "\ngoroutine ") {
		return "", false
	}
	for _, line := range strings.Split(stderr, "\n") {
		for _, p := range []string{"fatal error:", "SIG", "panic:", "unexpected signal"} {
			if strings.HasPrefix(line, p) {
				return line, true
			}
		}
	}
	return "runtime crash", true
}

func childEnv(env, drop []string) []string {
	out := make([]string, 0, len(env)+1)
next:
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		if k == "GOTRACEBACK" {
			continue
		}
		for _, d := range drop {
			if k == d {
				continue next
			}
		}
		out = append(out, kv)
	}
	// a fatal error prints its message, not every goroutine
	return append(out, "GOTRACEBACK=none")
}

// capped keeps the first max bytes written to it.
type capped struct {
	max int
	b   bytes.Buffer
}

func (c *capped) Write(p []byte) (int, error) {
	if room := c.max - c.b.Len(); room > 0 {
		c.b.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

func (c *capped) String() string { return c.b.String() }

// RunChild is the child's side: it limits the process's data segment to
// what it uses now plus budget bytes, builds, and writes the header and
// the bundle to w. The budget counts from the child's start because the
// Go runtime and the binary's data already take 100 to 150 MB of data
// segment (mostly reserved, not resident) before any work: the budget is
// what the build may add.
func RunChild(w io.Writer, budget int64, build func() ([]byte, string, error)) error {
	if budget <= 0 {
		return errors.New("--build-child needs --memory-budget")
	}
	base := dataSegment()
	lim := uint64(base + budget)
	if err := unix.Setrlimit(unix.RLIMIT_DATA, &unix.Rlimit{Cur: lim, Max: lim}); err != nil {
		return fmt.Errorf("setting the memory budget (RLIMIT_DATA): %w", err)
	}
	// the collector works harder before the hard limit is reached
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	debug.SetMemoryLimit(int64(ms.Sys) + budget/4*3)
	body, rev, err := build()
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString(childHeader + rev + "\n"); err != nil {
		return err
	}
	if _, err := bw.Write(body); err != nil {
		return err
	}
	return bw.Flush()
}

// dataSegment is the process's data segment (VmData, what RLIMIT_DATA
// limits) in bytes, 0 if unknown.
func dataSegment() int64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, "VmData:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}

// DefaultMemoryBudget is half of the memory available: the machine's RAM,
// or the cgroup's memory.max (cgroup v2) when that is lower. The other
// half is for the server itself, which holds the bundle being served and
// the new one while it swaps them. 0 when the memory is unknown.
func DefaultMemoryBudget() int64 {
	total := totalMemory()
	if lim := cgroupMemoryMax(); lim > 0 && (total == 0 || lim < total) {
		total = lim
	}
	return total / 2
}

// cgroupMemoryMax is this process's cgroup v2 memory.max, 0 if none.
func cgroupMemoryMax() int64 {
	raw, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		if path, ok := strings.CutPrefix(line, "0::"); ok {
			v, err := os.ReadFile("/sys/fs/cgroup" + path + "/memory.max")
			if err != nil {
				return 0
			}
			n, err := strconv.ParseInt(strings.TrimSpace(string(v)), 10, 64)
			if err != nil { // "max"
				return 0
			}
			return n
		}
	}
	return 0
}

var sizeUnits = []struct {
	suffix string
	shift  uint
}{
	{"TiB", 40}, {"GiB", 30}, {"MiB", 20}, {"KiB", 10},
	{"T", 40}, {"G", 30}, {"M", 20}, {"K", 10}, {"B", 0},
}

// ParseSize reads a size: a number of bytes, or with a binary suffix
// (KiB, MiB, GiB, TiB; K, M, G, T mean the same).
func ParseSize(s string) (int64, error) {
	num, shift := strings.TrimSpace(s), uint(0)
	for _, u := range sizeUnits {
		if n, ok := strings.CutSuffix(num, u.suffix); ok {
			num, shift = strings.TrimSpace(n), u.shift
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n < 0 || n > (1<<62)>>shift {
		return 0, fmt.Errorf("invalid size %s (want e.g. 512MiB, 4GiB or a number of bytes)", safetext.Quote(s))
	}
	return n << shift, nil
}

// FormatSize shows n bytes in the largest binary unit that divides it, or
// in MiB with one decimal.
func FormatSize(n int64) string {
	for _, u := range sizeUnits[:4] {
		if n >= 1<<u.shift && n%(1<<u.shift) == 0 {
			return strconv.FormatInt(n>>u.shift, 10) + " " + u.suffix
		}
	}
	if n >= 1<<20 {
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}
