package eval

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/guanxi-dev/guanxi/extract"
	"github.com/guanxi-dev/guanxi/extract/gold"
)

// TestUnitsCanMatchGold bounds what any classifier of extract.Units can
// score: an oracle that gives every unit the type of the gold item it
// matches best, and no type otherwise, is scored like the model. Items
// whose evidence no unit covers well, or two items in one unit, cost the
// oracle as they would cost the model; when this bound is high, the
// remaining errors are the classifier's, not the cutting's.
func TestUnitsCanMatchGold(t *testing.T) {
	for _, split := range []string{"train", "eval", "shifted"} {
		dir := filepath.Join("..", "..", "testdata", "corpus", split)
		if _, err := os.Stat(dir); err != nil {
			continue
		}
		msgs, golds, err := gold.LoadDir(dir)
		require.NoError(t, err)
		byMsg := map[string][]gold.Item{}
		for _, g := range golds {
			byMsg[g.MessageID] = append(byMsg[g.MessageID], g)
		}
		var oracle []extract.Item
		for i := range msgs {
			m := &msgs[i]
			units := extract.Units(m)
			// Each gold item claims the unit that covers it best; a unit
			// claimed by several items of one type is predicted once.
			claimed := map[[2]int]bool{}
			for _, g := range byMsg[m.ID] {
				best, bestCov := -1, 0.0
				for k, u := range units {
					if c := Coverage(u.Text, g.Text); c >= 0.5 && c > bestCov {
						best, bestCov = k, c
					}
				}
				key := [2]int{best, typeIndex(g.Type)}
				if best < 0 || claimed[key] {
					continue
				}
				claimed[key] = true
				oracle = append(oracle, extract.Item{MessageID: m.ID, Type: g.Type, Text: units[best].Text, Confidence: bestCov})
			}
		}
		r := Evaluate(golds, oracle)
		t.Logf("%s: a perfect classifier of units scores micro F1 %.3f (recall %.3f)", split, r.Micro().F1(), r.Micro().Recall())
		assert.GreaterOrEqual(t, r.Micro().F1(), 0.95, split)
	}
}

func typeIndex(t extract.Type) int {
	for i, x := range Types {
		if x == t {
			return i
		}
	}
	return -1
}
