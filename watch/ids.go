package watch

import "encoding/binary"

// idList is a set of goroutine IDs, ascending, stored as the varint
// differences between neighbours: the IDs of one group are close
// together, so most take one or two bytes rather than eight. A watch
// keeps one per group and target until the next look, and a look holds
// one per group of every dump it read, so their size is the watcher's
// size.
type idList []byte

// encodeIDs encodes ascending IDs.
func encodeIDs(ids []int64) idList {
	out := make([]byte, 0, len(ids)*2)
	var prev int64
	for _, id := range ids {
		out = binary.AppendUvarint(out, uint64(id-prev))
		prev = id
	}
	return idList(out[:len(out):len(out)])
}

// idReader reads an idList back, one ID at a time.
type idReader struct {
	l    idList
	last int64
}

// next returns the next ID, false at the end.
func (r *idReader) next() (int64, bool) {
	if len(r.l) == 0 {
		return 0, false
	}
	d, n := binary.Uvarint(r.l)
	if n <= 0 {
		r.l = nil // cannot happen: the list was encoded here
		return 0, false
	}
	r.l = r.l[n:]
	r.last += int64(d)
	return r.last, true
}

// common counts the IDs in both lists.
func common(a, b idList) int {
	ra, rb := idReader{l: a}, idReader{l: b}
	x, okA := ra.next()
	y, okB := rb.next()
	n := 0
	for okA && okB {
		switch {
		case x < y:
			x, okA = ra.next()
		case x > y:
			y, okB = rb.next()
		default:
			n++
			x, okA = ra.next()
			y, okB = rb.next()
		}
	}
	return n
}
