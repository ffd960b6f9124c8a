package report

import (
	"go/parser"
	gotoken "go/token"
	"regexp"
	"strings"
	"testing"
)

func TestCatalogIDsStableAndComplete(t *testing.T) {
	idRE := regexp.MustCompile(`^LH[0-9]{3}$`)
	seen := map[string]bool{}
	prev := ""
	for _, p := range Catalog() {
		if !idRE.MatchString(p.ID) {
			t.Errorf("pattern ID %q is not of the form LH000", p.ID)
		}
		if seen[p.ID] {
			t.Errorf("pattern ID %s used twice", p.ID)
		}
		seen[p.ID] = true
		if p.ID <= prev {
			t.Errorf("pattern %s listed after %s: the catalog is kept in ID order", p.ID, prev)
		}
		prev = p.ID
		if p.Title == "" || p.Why == "" || p.Fix == "" {
			t.Errorf("pattern %s lacks a title, an explanation or a fix", p.ID)
		}
		got, ok := PatternByID(p.ID)
		if !ok || got.ID != p.ID {
			t.Errorf("PatternByID(%s) = %v, %v", p.ID, got.ID, ok)
		}
	}
	if _, ok := PatternByID("LH999"); ok {
		t.Error("PatternByID found a pattern that does not exist")
	}
	// Every reason has a fallback that exists.
	reasons := []Reason{ReasonChanReceive, ReasonChanSend, ReasonChanReceiveNil, ReasonChanSendNil, ReasonSelect,
		ReasonSelectNoCases, ReasonMutex, ReasonRWMutexRLock, ReasonRWMutexLock, ReasonWaitGroup, ReasonCond,
		ReasonSemaphore, ReasonIOWait, ReasonSleep, ReasonSyscall, ReasonRunning, ReasonSynctest, ReasonCoroutine,
		ReasonRuntime, ReasonUnknown}
	for _, r := range reasons {
		id, ok := genericPattern[r]
		if !ok || !seen[id] {
			t.Errorf("reason %s has no fallback pattern in the catalog (%q)", r, id)
		}
	}
}

// The Before and After examples are shown to people as Go: they must at
// least parse as statements or declarations.
func TestCatalogExamplesParse(t *testing.T) {
	for _, p := range Catalog() {
		for which, code := range map[string]string{"Before": p.Before, "After": p.After} {
			if code == "" {
				continue
			}
			// Declarations parse at top level; statements inside a function.
			src := "package p\n" + code
			if !strings.HasPrefix(code, "func ") {
				src = "package p\nfunc _() {\n" + code + "\n}"
			}
			if _, err := parser.ParseFile(gotoken.NewFileSet(), "", src, 0); err != nil {
				t.Errorf("%s %s does not parse: %v\n%s", p.ID, which, err, code)
			}
		}
	}
}

func TestCatalogIsACopy(t *testing.T) {
	c := Catalog()
	c[0].Fix = "changed"
	if p, _ := PatternByID(c[0].ID); p.Fix == "changed" {
		t.Error("changing Catalog's result changed the catalog")
	}
}
