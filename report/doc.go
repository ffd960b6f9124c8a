// Package report explains leaked goroutines: why each is stuck, grouped by
// how and where, with the documented fix, rendered as text, HTML, JSON or a
// pprof profile.
//
// The diagnosis reads the source on the stack and follows values, not
// names: each package directory on the stack is type-checked once per
// process (internal/values) and its channels, sync primitives, contexts and
// cancel functions are joined through assignments, fields, literals, static
// calls and go statements. Where a package cannot be loaded it matches by
// the names in the syntax and says so in the evidence.
//
// Package report reads snapshots; it never captures goroutines itself.
package report
