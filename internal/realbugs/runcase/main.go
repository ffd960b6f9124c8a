// Command runcase runs one case of the real-bug corpus in a process of
// its own and prints the goroutines it left alive: what the tests run,
// built with a fix or a suggested edit applied through go build -overlay,
// to see whether the leak is gone.
//
//	runcase [-limit 5s] NAME
//
// It prints "clean" when every goroutine the case started ended within
// the limit, else "leaked" and the goroutine dump; it exits 2 on a usage
// error.
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/leakhound/leakhound/internal/realbugs"
)

func main() {
	limit := flag.Duration("limit", 5*time.Second, "how long the case's goroutines may take to end")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: runcase [-limit d] NAME")
		os.Exit(2)
	}
	c, err := realbugs.Lookup(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	alive, dump := c.Settle(*limit)
	if len(alive) == 0 {
		fmt.Println("clean")
		return
	}
	fmt.Printf("leaked\n%s", dump)
}
