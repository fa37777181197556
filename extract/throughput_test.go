package extract

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/guanxi-dev/guanxi/ingest"
	"github.com/guanxi-dev/guanxi/models"
	"github.com/guanxi-dev/guanxi/models/modeldir"
	"github.com/guanxi-dev/guanxi/models/wordpiece"
)

// Corpus files, relative to the repository root. The benchmarks run over
// the held-out evaluation set and the demo; the identity checks take all.
var (
	benchFiles = []string{
		"testdata/corpus/eval/e.messages.jsonl",
		"testdata/demo/messages.jsonl",
	}
	allFiles = append(benchFiles,
		"testdata/corpus/train/a.messages.jsonl",
		"testdata/corpus/train/c.messages.jsonl",
		"testdata/corpus/shifted/s.messages.jsonl",
	)
)

// repoRoot is the directory holding go.mod, found from the working
// directory up.
func repoRoot(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	require.NoError(tb, err)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		require.NotEqual(tb, dir, parent, "go.mod not found")
		dir = parent
	}
}

// loadMessages decodes envelope v1 messages from JSONL files.
func loadMessages(tb testing.TB, files []string) []ingest.Message {
	tb.Helper()
	root := repoRoot(tb)
	var msgs []ingest.Message
	for _, name := range files {
		f, err := os.Open(filepath.Join(root, name))
		require.NoError(tb, err)
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 0, 1<<20), 1<<24)
		for n := 1; sc.Scan(); n++ {
			if strings.TrimSpace(sc.Text()) == "" {
				continue
			}
			var m ingest.Message
			require.NoError(tb, json.Unmarshal(sc.Bytes(), &m), "%s:%d", name, n)
			msgs = append(msgs, m)
		}
		require.NoError(tb, sc.Err())
		require.NoError(tb, f.Close())
	}
	require.NotEmpty(tb, msgs)
	return msgs
}

// Shipped classifiers, loaded once per process and variant.
var (
	classifiersMu sync.Mutex
	classifiers   = map[string]*models.Classifier{}
)

// shippedClassifier loads the shipped sentence model; cached says whether
// its tokenizer keeps the word cache.
func shippedClassifier(tb testing.TB, cached bool) *models.Classifier {
	tb.Helper()
	classifiersMu.Lock()
	defer classifiersMu.Unlock()
	key := fmt.Sprint(cached)
	if c, ok := classifiers[key]; ok {
		return c
	}
	dir, err := models.ShippedDir()
	require.NoError(tb, err)
	var opts []models.Option
	if !cached {
		opts = append(opts, models.WithWordCache(0))
	}
	c, err := models.Load(dir, opts...)
	require.NoError(tb, err)
	classifiers[key] = c
	return c
}

// callTranscript builds a 30-minute sales call out of the corpus's call
// turns, in file order: about 9,000 characters of unpunctuated ASR-style
// speech between a vendor rep and a customer, consecutive turns of one
// side merged as a recogniser segments a speaker's run. Time stamps give
// each character 200 ms, the pace of spoken Mandarin.
func callTranscript(tb testing.TB) ingest.Message {
	tb.Helper()
	const targetRunes = 9000
	msg := ingest.Message{
		ID:         "bench-call-30min",
		Channel:    ingest.ChannelCall,
		Account:    ingest.Account{ID: "acct-bench", Name: "基准测试客户"},
		OccurredAt: time.Date(2026, 9, 14, 14, 0, 0, 0, time.FixedZone("CST", 8*3600)),
		Participants: []ingest.Participant{
			{ID: "rep", Name: "周明", Side: ingest.SideVendor, Title: "大客户经理"},
			{ID: "cust", Name: "陈静", Side: ingest.SideCustomer, Title: "信息中心主任"},
		},
	}
	total := 0
	var at int64
	for _, src := range loadMessages(tb, allFiles) {
		if src.Channel != ingest.ChannelCall {
			continue
		}
		for _, t := range src.Turns {
			if total >= targetRunes {
				return msg
			}
			speaker := "cust"
			if p, ok := src.Participant(t.Speaker); ok && p.Side == ingest.SideVendor {
				speaker = "rep"
			}
			n := utf8.RuneCountInString(t.Text)
			total += n
			dur := int64(n) * 200
			if k := len(msg.Turns) - 1; k >= 0 && msg.Turns[k].Speaker == speaker {
				last := &msg.Turns[k]
				last.Text += " " + t.Text
				end := *last.EndMS + dur
				last.EndMS = &end
				at = end + 300
				continue
			}
			start, end := at, at+dur
			msg.Turns = append(msg.Turns, ingest.Turn{Speaker: speaker, Text: t.Text, StartMS: &start, EndMS: &end})
			at = end + 300
		}
	}
	tb.Fatalf("the corpus holds only %d characters of calls, want %d", total, targetRunes)
	return msg
}

func TestCallTranscript(t *testing.T) {
	msg := callTranscript(t)
	runes := 0
	for _, turn := range msg.Turns {
		runes += utf8.RuneCountInString(turn.Text)
	}
	assert.GreaterOrEqual(t, len(msg.Turns), 300)
	assert.LessOrEqual(t, len(msg.Turns), 400)
	assert.InDelta(t, 9000, runes, 300)
	last := *msg.Turns[len(msg.Turns)-1].EndMS
	assert.InDelta(t, 30*time.Minute.Milliseconds(), last, float64(5*time.Minute.Milliseconds()), "about half an hour")
	assert.Equal(t, msg, callTranscript(t), "deterministic")
}

// TestWordCacheMatchesSugarmeOnCorpus encodes every classifier input of
// the whole corpus with the shipped tokenizer, word by word from the cache
// and whole through sugarme/tokenizer, and requires the same encodings.
func TestWordCacheMatchesSugarmeOnCorpus(t *testing.T) {
	seg := testSegmenter(t)
	dir, err := models.ShippedDir()
	require.NoError(t, err)
	cfg, err := modeldir.ReadConfig(dir)
	require.NoError(t, err)
	tok, err := wordpiece.Load(filepath.Join(dir, modeldir.TokenizerFile), cfg.MaxLength)
	require.NoError(t, err)

	msgs := append(loadMessages(t, allFiles), callTranscript(t))
	var inputs []string
	for i := range msgs {
		inputs = append(inputs, seg.Inputs(&msgs[i], Units(&msgs[i]))...)
	}
	require.Greater(t, len(inputs), 5000)
	for round := range 2 { // filling the cache, then reading it
		for i, s := range inputs {
			want, err := tok.EncodeUncached(s)
			require.NoError(t, err)
			got, err := tok.Encode(s)
			require.NoError(t, err)
			require.Equal(t, want, got, "round %d, input %d: %q", round, i, s)
		}
	}
}

// TestExtractSameItemsWhateverTheSpeedups checks that neither the workers
// nor the word cache change a single item.
func TestExtractSameItemsWhateverTheSpeedups(t *testing.T) {
	seg := testSegmenter(t)
	msgs := append(loadMessages(t, allFiles), callTranscript(t))
	ctx := context.Background()

	ref := New(seg, shippedClassifier(t, false))
	ref.Workers = 1
	want, err := ref.Extract(ctx, msgs)
	require.NoError(t, err)
	found := 0
	for _, items := range want {
		found += len(items)
	}
	require.Greater(t, found, 1000, "the corpus is full of items")

	for _, workers := range []int{1, 2, 3} {
		ex := New(seg, shippedClassifier(t, true))
		ex.Workers = workers
		got, err := ex.Extract(ctx, msgs)
		require.NoError(t, err)
		require.Equal(t, want, got, "%d workers", workers)
	}
}

func TestExtractWorkersReportErrors(t *testing.T) {
	ex := New(testSegmenter(t), shippedClassifier(t, true))
	ex.Workers = 2
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := ex.Extract(ctx, []ingest.Message{callTranscript(t)})
	require.ErrorIs(t, err, context.Canceled)
	require.ErrorContains(t, err, "sentences 0..63")
}

// stageTimes is the time spent in each stage of extraction.
type stageTimes struct {
	split, segment, tokenise, onnx, post time.Duration
}

func (s stageTimes) total() time.Duration {
	return s.split + s.segment + s.tokenise + s.onnx + s.post
}

// runStages runs Extract's stages one after the other on one goroutine,
// timing each, and returns the number of sentences.
func runStages(tb testing.TB, ex *Extractor, clf *models.Classifier, msgs []ingest.Message, st *stageTimes) int {
	ctx := context.Background()
	t0 := time.Now()
	refs := units(msgs)
	t1 := time.Now()
	inputs := ex.inputs(msgs, refs)
	t2 := time.Now()
	encs, err := clf.Encode(inputs)
	if err != nil {
		tb.Fatal(err)
	}
	t3 := time.Now()
	preds, err := clf.ClassifyEncoded(ctx, encs)
	if err != nil {
		tb.Fatal(err)
	}
	t4 := time.Now()
	out := ex.items(msgs, refs, preds)
	t5 := time.Now()
	if len(out) != len(msgs) {
		tb.Fatalf("%d results for %d messages", len(out), len(msgs))
	}
	st.split += t1.Sub(t0)
	st.segment += t2.Sub(t1)
	st.tokenise += t3.Sub(t2)
	st.onnx += t4.Sub(t3)
	st.post += t5.Sub(t4)
	return len(refs)
}

// report writes each stage's throughput and share of the total.
func (s stageTimes) report(b *testing.B, sentences int) {
	total := s.total()
	for _, st := range []struct {
		name string
		d    time.Duration
	}{
		{"split", s.split}, {"segment", s.segment}, {"tokenise", s.tokenise}, {"onnx", s.onnx}, {"post", s.post},
	} {
		b.ReportMetric(float64(sentences)/st.d.Seconds(), st.name+"-sent/s")
		b.ReportMetric(100*float64(st.d)/float64(total), st.name+"-%")
	}
	b.ReportMetric(float64(sentences)/total.Seconds(), "sentences/s")
}

// cpuTime is the processor time, user and system, the process has used.
func cpuTime(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// withProcs runs fn with GOMAXPROCS set to n.
func withProcs(n int, fn func()) {
	old := runtime.GOMAXPROCS(n)
	defer runtime.GOMAXPROCS(old)
	fn()
}

// BenchmarkExtract measures sentences per second through the whole of
// Extract over the evaluation corpus and the demo, on one core and on two,
// with and without the tokenizer's word cache. On two cores Extract
// segments and classifies model batches on two goroutines.
func BenchmarkExtract(b *testing.B) {
	seg := testSegmenter(b)
	msgs := loadMessages(b, benchFiles)
	sentences := len(units(msgs))
	for _, procs := range []int{1, 2} {
		for _, cached := range []bool{true, false} {
			name := fmt.Sprintf("cpu=%d/cache=%v", procs, cached)
			b.Run(name, func(b *testing.B) {
				ex := New(seg, shippedClassifier(b, cached))
				var cpu time.Duration
				withProcs(procs, func() {
					if _, err := ex.Extract(context.Background(), msgs); err != nil { // warm the cache
						b.Fatal(err)
					}
					before := cpuTime(b)
					for b.Loop() {
						if _, err := ex.Extract(context.Background(), msgs); err != nil {
							b.Fatal(err)
						}
					}
					cpu = cpuTime(b) - before
				})
				b.ReportMetric(float64(sentences*b.N)/b.Elapsed().Seconds(), "sentences/s")
				// On a shared machine the second core may not be free;
				// the cores kept busy show whether the work spread.
				b.ReportMetric(cpu.Seconds()/b.Elapsed().Seconds(), "cores-busy")
			})
		}
	}
}

// BenchmarkExtractStages runs the stages of Extract one by one on one core
// over the evaluation corpus and the demo and reports each stage's
// sentences per second and share of the time. The tokeniser is timed with
// and without the word cache in the same run, so that the speedup and its
// ratio to the ONNX stage can be read off one line.
func BenchmarkExtractStages(b *testing.B) {
	seg := testSegmenter(b)
	msgs := loadMessages(b, benchFiles)
	cached, uncached := shippedClassifier(b, true), shippedClassifier(b, false)
	ex := New(seg, cached)
	withProcs(1, func() {
		var st stageTimes
		n := runStages(b, ex, cached, msgs, &st) // warm the cache
		st = stageTimes{}
		for b.Loop() {
			runStages(b, ex, cached, msgs, &st)
		}
		// Timed apart, after a collection, so that the garbage of whole
		// sentence encoding does not slow the stages above.
		inputs := ex.inputs(msgs, units(msgs))
		runtime.GC()
		t := time.Now()
		for range b.N {
			if _, err := uncached.Encode(inputs); err != nil {
				b.Fatal(err)
			}
		}
		plain := time.Since(t)
		st.report(b, n*b.N)
		b.ReportMetric(float64(n*b.N)/plain.Seconds(), "tokenise-uncached-sent/s")
		b.ReportMetric(float64(plain)/float64(st.tokenise), "cache-speedup-x")
		b.ReportMetric(float64(st.tokenise)/float64(st.onnx), "tokenise/onnx-time")
		b.ReportMetric(float64(plain)/float64(st.onnx), "uncached-tokenise/onnx-time")
	})
}

// BenchmarkExtractCall30Min times Extract on one 30-minute call transcript
// (callTranscript) on one core and on two, on one core without the word
// cache, and on one core where the time goes.
func BenchmarkExtractCall30Min(b *testing.B) {
	seg := testSegmenter(b)
	call := []ingest.Message{callTranscript(b)}
	sentences := len(units(call))
	for _, procs := range []int{1, 2} {
		b.Run(fmt.Sprintf("cpu=%d", procs), func(b *testing.B) {
			clf := shippedClassifier(b, true)
			ex := New(seg, clf)
			var cpu time.Duration
			withProcs(procs, func() {
				if _, err := ex.Extract(context.Background(), call); err != nil {
					b.Fatal(err)
				}
				before := cpuTime(b)
				for b.Loop() {
					if _, err := ex.Extract(context.Background(), call); err != nil {
						b.Fatal(err)
					}
				}
				cpu = cpuTime(b) - before
			})
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/call")
			b.ReportMetric(cpu.Seconds()/b.Elapsed().Seconds(), "cores-busy")
			b.ReportMetric(float64(sentences), "sentences/call")
		})
	}
	b.Run("cpu=1/cache=false", func(b *testing.B) {
		ex := New(seg, shippedClassifier(b, false))
		withProcs(1, func() {
			for b.Loop() {
				if _, err := ex.Extract(context.Background(), call); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/call")
	})
	b.Run("cpu=1/stages", func(b *testing.B) {
		clf := shippedClassifier(b, true)
		ex := New(seg, clf)
		withProcs(1, func() {
			var st stageTimes
			runStages(b, ex, clf, call, &st)
			st = stageTimes{}
			for b.Loop() {
				runStages(b, ex, clf, call, &st)
			}
			st.report(b, sentences*b.N)
			b.ReportMetric(float64(st.total().Microseconds())/1000/float64(b.N), "ms/call")
		})
	})
}
