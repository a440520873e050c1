package pbs

import "bytes"

// splitLines splits data like Rust's str::lines (§2.1): lines end at "\n";
// a "\r" directly before that "\n" is removed; a final line without "\n" is
// kept; there is no empty line after a trailing "\n". The callback gets the
// 1-based line number and returns false to stop.
func splitLines(data []byte, fn func(lineNo int, line []byte) bool) {
	n := 0
	for len(data) > 0 {
		n++
		var line []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
			line = bytes.TrimSuffix(line, []byte{'\r'})
		} else {
			line, data = data, nil
		}
		if !fn(n, line) {
			return
		}
	}
}
