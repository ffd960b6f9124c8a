package profile

import "errors"

// isProto reports whether data is a pprof protocol buffer. (Stub.)
func isProto(data []byte) bool { return false }

// isDebug1 reports whether data is pprof debug=1 text. (Stub.)
func isDebug1(data []byte) bool { return false }

// parseProto reads a pprof profile. (Stub.)
func parseProto(data []byte) (*Snapshot, error) {
	return nil, errors.New("pprof parser not implemented yet")
}

// parseDebug1 reads pprof debug=1 text. (Stub.)
func parseDebug1(data []byte) (*Snapshot, error) {
	return nil, errors.New("pprof text parser not implemented yet")
}
