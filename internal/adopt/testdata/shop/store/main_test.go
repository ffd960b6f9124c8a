package store

import (
	"fmt"
	"os"
	"testing"
)

var fixture *Store

func TestMain(m *testing.M) {
	fixture = New()
	fixture.Put("apple", 3)
	code := m.Run()
	fmt.Println("store: teardown ran")
	os.Exit(code)
}
