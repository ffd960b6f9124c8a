package profile

import "bytes"

// A goroutine header is the first line of a goroutine section:
//
//	goroutine 19 [chan receive]:
//	goroutine 8 gp=0xc000007c00 m=6 mp=0xc000100008 [running]:
//	goroutine 21 [chan send (nil chan) (leaked), 5 minutes, locked to thread]:
//	goroutine 7 [chan receive (durable), synctest bubble 1]:
//	goroutine 19 [chan receive labels:{"k": "v"}]:        Go 1.26, GODEBUG=tracebacklabels=1
//	goroutine 19 [chan receive] {k: v, "user id": "a b"}:  Go 1.27
//
// Inside the brackets come the wait state, markers the runtime appends to it
// (" (leaked)", " (scan)", " (durable)"), then attributes each introduced by
// ", ". The wait state never holds ", " or "]", so the first of those ends
// it; labels are read token by token because their values may hold both.

var (
	leakedMarker  = []byte(" (leaked)")
	durableMarker = []byte(" (durable)")
	scanMarker    = []byte(" (scan)")
	labelsInside  = []byte(" labels:{") // Go 1.26
	labelsAfter   = []byte(" {")        // Go 1.27
	minutesSuffix = []byte(" minutes")
	lockedAttr    = []byte("locked to thread")
	bubblePrefix  = []byte("synctest bubble ")
)

// parseHeader fills g from the header line l, which starts with
// "goroutine ", and reports whether l is a whole, well-formed header.
func (p *stackParser) parseHeader(l []byte, g *Goroutine) bool {
	rest := l[len(goroutinePrefix):]
	id, n := parseID(rest)
	if n == 0 {
		return false
	}
	rest = rest[n:]
	// Crash output and GOTRACEBACK=system add " gp=0x… m=N mp=0x…" or
	// " gp=0x… m=nil"; none of it has a field in Goroutine.
	for len(rest) > 1 && rest[0] == ' ' && rest[1] != '[' {
		j := bytes.IndexByte(rest[1:], ' ')
		if j < 0 {
			return false
		}
		rest = rest[1+j:]
	}
	if len(rest) < 2 || rest[0] != ' ' || rest[1] != '[' {
		return false
	}
	rest = rest[2:]

	end := attrEnd(rest)
	state := rest[:end]
	rest = rest[end:]
	for {
		switch {
		case bytes.HasSuffix(state, leakedMarker):
			g.Leaked = true
			state = state[:len(state)-len(leakedMarker)]
			continue
		case bytes.HasSuffix(state, durableMarker):
			// Either the runtime's own marker or the suffix of a wait
			// reason such as "chan receive (durable)": both mean the
			// goroutine is durably blocked in a synctest bubble.
			g.Durable = true
			state = state[:len(state)-len(durableMarker)]
			continue
		case bytes.HasSuffix(state, scanMarker):
			// The garbage collector was scanning the stack at that moment:
			// a transient detail, not part of the wait state.
			state = state[:len(state)-len(scanMarker)]
			continue
		}
		break
	}
	g.State = p.intern(state)

	for len(rest) > 1 && rest[0] == ',' && rest[1] == ' ' {
		rest = rest[2:]
		end := attrEnd(rest)
		attr := rest[:end]
		rest = rest[end:]
		switch {
		case bytes.Equal(attr, lockedAttr):
			g.LockedToThread = true
		case bytes.HasSuffix(attr, minutesSuffix):
			digits := attr[:len(attr)-len(minutesSuffix)]
			if m, w := parseInt(digits); w > 0 && w == len(digits) {
				g.WaitMinutes = m
			}
		case bytes.HasPrefix(attr, bubblePrefix):
			digits := attr[len(bubblePrefix):]
			if b, w := parseID(digits); w > 0 && w == len(digits) {
				g.Bubble = b
			}
		}
		// Attributes a later runtime may add are skipped, not fatal.
	}

	if bytes.HasPrefix(rest, labelsInside) {
		labels, r, ok := p.parseLabels(rest[len(labelsInside):])
		if !ok {
			return false
		}
		g.Labels, rest = labels, r
	}
	if len(rest) == 0 || rest[0] != ']' {
		return false
	}
	rest = rest[1:]
	if bytes.HasPrefix(rest, labelsAfter) {
		labels, r, ok := p.parseLabels(rest[len(labelsAfter):])
		if !ok {
			return false
		}
		g.Labels, rest = labels, r
	}
	if len(bytes.TrimRight(rest, " \t")) != 1 || rest[0] != ':' {
		return false
	}
	g.ID, g.Count = id, 1
	return true
}

// attrEnd returns the length of the wait state or attribute b starts with:
// up to ", ", "]" or " labels:{", or all of b.
func attrEnd(b []byte) int {
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case ']':
			return i
		case ',':
			if i+1 < len(b) && b[i+1] == ' ' {
				return i
			}
		case ' ':
			if bytes.HasPrefix(b[i:], labelsInside) {
				return i
			}
		}
	}
	return len(b)
}
