// Package watch follows the goroutines of running Go programs over time and
// says which groups of them leak: the ones the runtime's leak profile
// proves leaked, and the ones whose count keeps rising while bursts of
// work come and go.
//
// A Watcher is given the base URLs of processes serving net/http/pprof.
// Each Look fetches every target's goroutine dump (debug=2) — through
// /debug/pprof/goroutineleak?debug=2 where the process serves it (Go 1.27,
// or Go 1.26 built with GOEXPERIMENT=goroutineleakprofile), which runs the
// runtime's leak detection first and marks the goroutines it proves leaked
// — groups the goroutines as report.New does and merges the groups of all
// targets by report's Fingerprint, the key baselines use. It keeps only
// what a long watch needs: per group, the counts over time in a fixed
// number of buckets (older buckets merge as the watch goes on), when the
// group was first and last seen, one representative stack, and the IDs
// of its goroutines at the last look (8 bytes each), which tell the
// goroutines that stay from those that come and go. Memory therefore
// depends on the number of groups and targets and on the goroutines of
// one look, not on how long the watch runs.
//
// # Verdicts
//
// A group is Proven when a target's leak profile marked one of its
// goroutines leaked. It is Growing when, on some target, its floor rises:
// at each look only the group's goroutines that were there at the look
// before count (the same goroutine IDs), and the floor at a look is the
// smallest such count from that look on. Goroutines that a burst of
// requests started and that ended later therefore never count, however
// often a look catches a burst in flight; only goroutines that stay do.
// Options.Min and Options.Growth set how far the floor must rise.
// Otherwise it is Stable.
//
// A target that restarts starts a new epoch: counts before the restart
// are not compared with counts after it, so a restart is neither a drop
// nor a leak, and it is reported as an Event. A restart shows as a fall
// of the highest goroutine ID in the dump: the watcher opens a new
// connection for every fetch, so the goroutine serving it is among the
// newest of the process, and IDs only grow in one process. They grow in
// batches per P, though, so a small fall is taken for a restart only
// after the target failed to answer (it went away and came back); a
// process restarted between two looks that both answered, having started
// few goroutines, may go unnoticed, and its counts are then read as they
// are (a steady group that dips and comes back is not growing).
//
// # Limits
//
// Every fetch is bounded in time (Options.Timeout) and size
// (Options.MaxDump, profile.ReadDump's bound), at most
// Options.Concurrency targets are fetched at once, and a target that fails
// is retried after 1, 2, 4, … up to 32 looks. Only http and https targets
// are accepted.
package watch
