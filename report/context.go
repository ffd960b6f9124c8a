package report

import "fmt"

// ContextLines says in a sentence each why the report's dump was printed,
// from Report.Context: the crash or signal, the test timeout and the tests
// that were running. Every renderer shows them before the groups; none
// when the dump said nothing.
func (r *Report) ContextLines() []string {
	var out []string
	c := r.Context
	if c.Crash != "" {
		out = append(out, "the process died with: "+c.Crash)
	} else if c.Signal != "" {
		out = append(out, "the process got "+c.Signal)
	}
	if t := c.Timeout; t != nil {
		line := "test timed out after " + t.After
		if len(t.Running) > 0 {
			line += fmt.Sprintf(" while running %s; goroutines these tests started are listed first", t.Names())
		}
		out = append(out, line)
	}
	return out
}
