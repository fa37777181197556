package scenario

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/guanxi-dev/guanxi/extract"
	"github.com/guanxi-dev/guanxi/extract/gold"
	"github.com/guanxi-dev/guanxi/models"
)

const (
	demoMessages = "../testdata/demo/messages.jsonl"
	demoExpected = "../testdata/demo/expected.json"
)

var (
	modelOnce sync.Once
	modelEx   *extract.Extractor
	modelErr  error
)

// shippedExtractor loads the shipped model through onnxruntime once.
func shippedExtractor(t *testing.T) *extract.Extractor {
	t.Helper()
	modelOnce.Do(func() {
		lib, err := models.LibraryPath()
		if err != nil {
			modelErr = err
			return
		}
		if modelErr = models.InitRuntime(lib); modelErr != nil {
			return
		}
		dir, err := models.ShippedDir()
		if err != nil {
			modelErr = err
			return
		}
		clf, err := models.Load(dir)
		if err != nil {
			modelErr = err
			return
		}
		seg, err := extract.LoadSegmenter()
		if err != nil {
			modelErr = err
			return
		}
		modelEx = extract.New(seg, clf)
	})
	require.NoError(t, modelErr)
	return modelEx
}

func runDemo(t *testing.T, ex Extractor) Report {
	t.Helper()
	exp, err := LoadExpected(demoExpected)
	require.NoError(t, err)
	asOf, err := exp.Time()
	require.NoError(t, err)
	res, err := Run(context.Background(), Config{Messages: demoMessages, Extractor: ex, AsOf: asOf})
	require.NoError(t, err)
	require.Zero(t, res.Rejected, "every demo message is valid")
	require.Len(t, res.Accounts, len(exp.Accounts))
	r := Judge(exp, res.Accounts)
	var b strings.Builder
	require.NoError(t, r.Write(&b))
	t.Log("\n" + b.String())
	return r
}

// TestDemoGold judges scoring on the hand-annotated items: what it gets
// wrong here is scoring's fault, not extraction's.
func TestDemoGold(t *testing.T) {
	golds, err := gold.Load("../testdata/demo/gold.jsonl")
	require.NoError(t, err)
	r := runDemo(t, NewGoldExtractor(golds))
	assert.GreaterOrEqual(t, r.AtRisk.Precision(), 0.9, "at-risk precision")
	assert.GreaterOrEqual(t, r.AtRisk.Recall(), 0.9, "at-risk recall")
}

// TestDemoModel judges the whole system, shipped model included.
func TestDemoModel(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the shipped model over the demo corpus")
	}
	r := runDemo(t, shippedExtractor(t))
	assert.GreaterOrEqual(t, r.AtRisk.Precision(), 0.8, "at-risk precision")
	assert.GreaterOrEqual(t, r.AtRisk.Recall(), 0.8, "at-risk recall")
}
