//go:build !unix

package main

func disableCoreDumps() {}

// sendQuit is unavailable without Unix signals; the child then exits by a
// panic instead, so the scenario still produces a dump.
func sendQuit() { panic("gendump: SIGQUIT needs a Unix system") }

func platformSpecs() []spec { return nil }
