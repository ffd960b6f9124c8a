package usage

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/suite"

	"github.com/leakhound/leakhound/examples/internal/harness"
	"github.com/leakhound/leakhound/examples/internal/leaktest"
	"github.com/leakhound/leakhound/leakcheck"
)

// CacheSuite shows leakcheck in a testify suite: Check(s.T()) in SetupTest.
// testify runs each method as a subtest and SetupTest inside it, so s.T()
// is that method's own *testing.T and each method is checked on its own.
type CacheSuite struct {
	suite.Suite
	cache *Cache
}

func (s *CacheSuite) SetupTest() {
	leakcheck.Check(s.T())
	s.cache = New(s.T().Context(), time.Minute, time.Hour)
}

func (s *CacheSuite) TestSet() {
	s.cache.Set("a", "1")
	v, ok := s.cache.Get("a")
	s.True(ok)
	s.Equal("1", v)
}

func (s *CacheSuite) TestMiss() {
	_, ok := s.cache.Get("nope")
	s.False(ok)
}

func TestCacheSuite(t *testing.T) {
	suite.Run(t, new(CacheSuite))
}

// attributionSuite checks each method with a leaktest.Recorder wrapped
// around s.T(), so that its leaky methods can be observed without failing:
// TearDownTest ends the recorded check and keeps what it said per method.
// The leaked goroutines are released only after the whole suite, so each
// check runs while the earlier methods' leaks are still alive.
type attributionSuite struct {
	suite.Suite
	rec     *leaktest.Recorder
	release chan struct{}     // closed after the suite
	said    map[string]string // method's test name → leakcheck's failure text
}

func (s *attributionSuite) SetupTest() {
	s.rec = leaktest.NewRecorder(s.T(), "checked")
	leakcheck.Check(s.rec)
}

func (s *attributionSuite) TearDownTest() {
	s.rec.RunCleanups() // the recorded test ends: its check runs now
	s.said[s.T().Name()] = s.rec.Errors()
}

// park starts n goroutines running wait, which blocks until the suite is
// over. Each leaky method passes its own wait, so its goroutines block at
// its own marked line and one method's leak can be told from another's.
func (s *attributionSuite) park(n int, wait func(release <-chan struct{})) {
	for range n {
		go wait(s.release)
	}
}

func (s *attributionSuite) TestLeaksOne() {
	s.park(1, func(release <-chan struct{}) {
		<-release // leak: blocks here
	})
}

func (s *attributionSuite) TestClean() {
	done := make(chan struct{})
	go func() { close(done) }()
	<-done
}

func (s *attributionSuite) TestLeaksTwo() {
	s.park(2, func(release <-chan struct{}) {
		<-release // leak: blocks here
	})
}

// TestSuiteMethodsCheckedOneByOne runs attributionSuite and checks that
// each method's check reported exactly its own leaks: TestLeaksOne its
// goroutine, TestLeaksTwo its two, TestClean nothing — although every leak
// of the methods before is still alive when a method is checked.
func TestSuiteMethodsCheckedOneByOne(t *testing.T) {
	lines, err := harness.MarkerLines("suite_test.go")
	if err != nil || len(lines) != 2 {
		t.Fatalf("want two leak markers in suite_test.go, got %v (%v)", lines, err)
	}
	one, two := fmt.Sprintf("suite_test.go:%d", lines[0]), fmt.Sprintf("suite_test.go:%d", lines[1])

	s := &attributionSuite{release: make(chan struct{}), said: make(map[string]string)}
	suite.Run(t, s)
	close(s.release)

	name := t.Name() + "/"
	tests := []struct {
		method      string
		want, never []string
	}{
		{"TestLeaksOne", []string{one}, []string{two}},
		{"TestClean", nil, []string{one, two}},
		{"TestLeaksTwo", []string{two}, []string{one}},
	}
	for _, tt := range tests {
		said, ran := s.said[name+tt.method]
		if !ran {
			t.Errorf("%s did not run", tt.method)
			continue
		}
		if len(tt.want) == 0 && said != "" {
			t.Errorf("%s leaks nothing, but its check failed:\n%s", tt.method, said)
		}
		for _, w := range tt.want {
			if !strings.Contains(said, w) {
				t.Errorf("%s's check does not name %s:\n%s", tt.method, w, said)
			}
		}
		for _, n := range tt.never {
			if strings.Contains(said, n) {
				t.Errorf("%s's check names %s, another method's leak:\n%s", tt.method, n, said)
			}
		}
	}
}
