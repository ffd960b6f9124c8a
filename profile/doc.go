// Package profile takes and reads snapshots of live goroutines.
//
// A Snapshot lists Goroutines: for each, its ID, the wait state the runtime
// printed, its pprof labels, its stack of Frames and the go statement that
// created it. Snapshots come from the running process (Capture and its
// cheaper relatives) or from any dump a person may save or paste (Parse):
// runtime.Stack output, crash and timeout output, go test -json, and pprof
// goroutine or goroutineleak profiles.
//
// Package profile depends on no other package of leakhound.
//
// # The name
//
// The package shares its name with github.com/google/pprof/profile, the
// profile.proto library it uses to read pprof goroutine profiles. Within
// leakhound that library is always imported as pprofile, so "profile" in
// this module's code means this package. The name stays because what the
// package reads is, in every format it accepts, the runtime's goroutine
// profile (debug=0, 1 and 2, and the goroutineleak profile); a program that
// imports both packages picks an alias for one of them, as leakhound does.
package profile
