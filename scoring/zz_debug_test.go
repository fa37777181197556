package scoring

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/guanxi-dev/guanxi/graph"
)

func TestZZDebug(t *testing.T) {
	p := os.Getenv("GXF")
	if p == "" {
		t.Skip()
	}
	b, _ := os.ReadFile(p)
	var f graph.AccountFacts
	json.Unmarshal(b, &f)
	asOf, _ := time.Parse(time.RFC3339, os.Getenv("ASOF"))
	v := newView(f, asOf, DefaultConfig())
	for _, c := range v.chains {
		fmt.Printf("chain %s fulfilled=%v sign=%v %s missed=%d terms=%v\n", c.party, c.fulfilled, c.sign.at.Format("01-02"), c.sign.quote, len(v.missed(c)), c.terms)
		for _, m := range c.members {
			fmt.Printf("    %s %s due=%s %s\n", m.MessageID, m.Speaker, m.Due, m.Text)
		}
	}
	s, _ := Evaluate(f, asOf)
	for _, e := range s.Evidence {
		fmt.Printf("   ev %s %s %s %.2f %s\n", e.Dimension, e.Signal, e.MessageID, e.Delta, e.Quote)
	}
}
