package leakcheck

import (
	"runtime/metrics"
	"slices"
	"sync/atomic"

	"github.com/leakhound/leakhound/profile"
)

// The baseline: which goroutines ran when Check was called.
//
// Labels tell the goroutines the test started from all others for every
// goroutine that kept the test's label. For the ones that never had it or
// lost it (time.AfterFunc callbacks, context.AfterFunc on a deadline,
// finalizers, pprof.Do with context.Background()) the check needs to know
// whether the goroutine existed at Check: one alive then is never the
// test's, one created after it may be. That is decided by goroutine ID and
// nothing else. IDs are never reused, so a goroutine whose ID is not in the
// set taken at Check was created after it; neither counts of goroutines
// nor the order of IDs can stand in for the set, since processors hand out
// IDs from batches of their own and a young goroutine may have a lower ID
// than an old one.
//
// The set comes from the header lines of one traceback (profile.CaptureIDs),
// or, cheaper, from the latest look any check took (Check's or a verdict's):
// a superset of what runs at Check is enough, and the latest look is one
// when the runtime's count of created goroutines shows that nothing was
// created since it, or only the goroutine calling Check, which is then not
// in the look. That is the usual case in a test binary whose tests run one
// after another and call Check: between one test's verdict and the next
// test's Check the testing package starts only the next test's goroutine.

// idLook is one look at the goroutine IDs of the process.
type idLook struct {
	// created is the runtime's count of created goroutines read just
	// before the look was taken, so that every goroutine created up to
	// that count is either in ids or had exited.
	created uint64
	ids     []int64 // sorted
}

// has reports whether the goroutine with the given ID was in the look.
func (l *idLook) has(id int64) bool {
	_, ok := slices.BinarySearch(l.ids, id)
	return ok
}

// latestLook is the latest idLook a check of this process took. Checks of
// parallel tests share it, which is its purpose: each stores a true look,
// and a check stands on one only when the creation count proves that
// nothing it does not show was created since.
var latestLook atomic.Pointer[idLook]

// idsAtCheck returns a superset of the IDs of the goroutines running now,
// for a check called on goroutine self: the latest look when standsOn
// allows it, else a new look by traceback.
func idsAtCheck(ids func([]int64) []int64, self int64) *idLook {
	created, ok := goroutinesCreated()
	if l := latestLook.Load(); ok && standsOn(l, created, self) {
		return l
	}
	return takeIDLook(ids)
}

// standsOn reports whether the look l holds every goroutine running when
// the creation count was createdNow, on goroutine self: when no goroutine
// was created since l, or only one that is not in l, which can then only be
// self (it runs, so it was created, and it is not in l).
func standsOn(l *idLook, createdNow uint64, self int64) bool {
	if l == nil {
		return false
	}
	switch createdNow {
	case l.created:
		return true
	case l.created + 1:
		return self != 0 && !l.has(self)
	}
	return false
}

// takeIDLook takes a look at the goroutine IDs through ids and keeps it as
// the latest look when the creation count could be read first.
func takeIDLook(ids func([]int64) []int64) *idLook {
	created, ok := goroutinesCreated()
	l := &idLook{created: created, ids: ids(nil)}
	if ok {
		latestLook.Store(l)
	}
	return l
}

// takeLook is takeIDLook through lk.look when there is one, returning the
// traceback too, for a full capture of the same moment; the caller parses
// or releases it. Without lk.look it is takeIDLook through lk.ids.
func takeLook(lk looks) (*idLook, *profile.Look) {
	if lk.look == nil {
		return takeIDLook(lk.ids), nil
	}
	var full *profile.Look
	l := takeIDLook(func(dst []int64) []int64 {
		full = lk.look()
		return full.IDs(dst)
	})
	return l, full
}

// createdMetric counts the goroutines created since the program started.
const createdMetric = "/sched/goroutines-created:goroutines"

// goroutinesCreated reads createdMetric; ok is false where the runtime does
// not have it. When the count has not moved since Check, the test cannot
// have started a goroutine, and the check is over without looking further.
func goroutinesCreated() (n uint64, ok bool) {
	s := []metrics.Sample{{Name: createdMetric}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0, false
	}
	return s[0].Value.Uint64(), true
}

// entryOf returns the entry function of a captured goroutine or record: the
// outermost frame that is not the runtime's.
func entryOf(g *profile.Goroutine) string {
	for i := len(g.Frames) - 1; i >= 0; i-- {
		if f := g.Frames[i]; !f.Runtime() {
			return f.Func
		}
	}
	return ""
}
