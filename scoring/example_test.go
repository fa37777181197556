package scoring_test

import (
	"fmt"

	"github.com/guanxi-dev/guanxi/scoring"
)

// A pipeline evaluates an account after every message; the Tracker turns
// the warnings into changes, so an unchanged warning is emitted only once.
func ExampleTracker() {
	tr := scoring.NewTracker()
	dark := scoring.Warning{AccountID: "acct-1", Kind: scoring.GoingDark, Severity: scoring.SeverityLow,
		Evidence: []scoring.Evidence{{MessageID: "m41", Signal: "going_dark"}}}

	for _, ws := range [][]scoring.Warning{{dark}, {dark}, nil} {
		for _, c := range tr.Update("acct-1", ws) {
			fmt.Println(c.Action, c.Warning.Kind)
		}
	}
	// Output:
	// raised going_dark
	// cleared going_dark
}
