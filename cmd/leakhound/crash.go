package main

import "strings"

// crashPrefixes start the line a Go program prints when it dies: a panic,
// a fatal runtime error, or a signal such as SIGQUIT or SIGSEGV.
var crashPrefixes = []string{"panic: ", "fatal error: ", "SIG"}

// crashLine returns the line that says why the process printed its dump,
// for the report's first line; "" when the dump holds none (runtime.Stack,
// profiles) or when it is a test timeout, which findTimeout describes.
func crashLine(text []string) string {
	for _, line := range text {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, timeoutPrefix) {
			return ""
		}
		for _, p := range crashPrefixes {
			if !strings.HasPrefix(line, p) {
				continue
			}
			// "SIG" alone would match any word; a signal line is
			// "SIGQUIT: quit".
			if p == "SIG" && !strings.Contains(line, ": ") {
				continue
			}
			return line
		}
	}
	return ""
}
