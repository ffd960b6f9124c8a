package profile

import "errors"

// parseStack reads runtime.Stack-style text. (Stub: replaced by the parser.)
func parseStack(data []byte) (*Snapshot, error) {
	return nil, errors.New("stack parser not implemented yet")
}
