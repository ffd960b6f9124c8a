// Package report explains leaked goroutines: why each is stuck, grouped by
// how and where, with the documented fix, rendered as text, HTML, JSON or a
// pprof profile.
//
// Package report reads snapshots; it never captures goroutines itself.
package report
