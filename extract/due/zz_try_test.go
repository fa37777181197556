package due

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

func TestZZTry(t *testing.T) {
	if os.Getenv("TRY_REF") == "" {
		t.Skip()
	}
	ref, _ := time.Parse(time.RFC3339, os.Getenv("TRY_REF"))
	for _, s := range strings.Split(os.Getenv("TRY_TEXT"), "|") {
		for _, m := range FindAll(s, ref) {
			fmt.Printf("  %q → %s [%d,%d) %q dl=%v past=%v\n", s, m.Date.Format("2006-01-02 Mon"), m.Start, m.End, m.Expr, m.Deadline, m.Past)
		}
		r, ok := Resolve(s, ref)
		fmt.Printf("%q => %s %v\n", s, r, ok)
	}
}
